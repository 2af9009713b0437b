/**
 * A cheap look at a download address before anything large moves: a GET of byte 0 only
 * (`Range: bytes=0-0`) that follows redirects, as the Hub's LFS/Xet files need. It says whether
 * the file is there and how big (from Content-Range), or why this browser cannot have it.
 */
import { contentRangeTotal, describeUrl, isOffline } from './download';

export type ProbeResult =
  | { state: 'available'; bytes: number | null }
  | {
      state: 'unreachable';
      reason: 'offline' | 'no-cors' | 'network' | 'http' | 'html' | 'timeout';
      status?: number;
      detail: string;
    };

const PROBE_TIMEOUT_MS = 15_000;

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/**
 * After a failed CORS request: an opaque no-cors request that succeeds shows the server is there
 * and merely withholds CORS. Under this page's cross-origin isolation that only works for
 * servers sending Cross-Origin-Resource-Policy, so a failure here proves nothing either way.
 */
async function answersWithoutCors(url: string, signal: AbortSignal): Promise<boolean> {
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await fetch(url, { mode: 'no-cors', credentials: 'omit', signal: ctrl.signal });
    return true;
  } catch {
    return false;
  } finally {
    ctrl.abort();
    signal.removeEventListener('abort', stop);
  }
}

export async function probeUrl(url: string, signal?: AbortSignal): Promise<ProbeResult> {
  if (isOffline()) return { state: 'unreachable', reason: 'offline', detail: 'you are offline' };
  const bounded = withTimeout(signal, PROBE_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { headers: { Range: 'bytes=0-0' }, credentials: 'omit', signal: bounded });
  } catch (e) {
    if (signal?.aborted) throw e;
    if (bounded.aborted)
      return { state: 'unreachable', reason: 'timeout', detail: `no answer within ${PROBE_TIMEOUT_MS / 1000} s` };
    if (isOffline()) return { state: 'unreachable', reason: 'offline', detail: 'you are offline' };
    if (await answersWithoutCors(url, bounded)) {
      return {
        state: 'unreachable',
        reason: 'no-cors',
        detail: `${describeUrl(url)} answers, but sends no CORS header, so this page may not read it`,
      };
    }
    return {
      state: 'unreachable',
      reason: 'network',
      detail: `no answer this page may read from ${describeUrl(url)}: the server is down or refused, or it sends no CORS header (the browser does not say which)`,
    };
  }
  try {
    if (!res.ok) {
      const what =
        res.status === 404
          ? 'no file there (HTTP 404)'
          : res.status === 401 || res.status === 403
            ? `private or needs a login (HTTP ${res.status})`
            : `HTTP ${res.status}`;
      return { state: 'unreachable', reason: 'http', status: res.status, detail: what };
    }
    if (/^text\/html\b/i.test(res.headers.get('Content-Type') ?? '')) {
      return { state: 'unreachable', reason: 'html', detail: 'it serves a web page (HTML), not the file' };
    }
    const total =
      res.status === 206
        ? contentRangeTotal(res.headers.get('Content-Range'))
        : Number(res.headers.get('Content-Length') ?? '') || null;
    return { state: 'available', bytes: total };
  } finally {
    // A server that ignored the Range would send the whole file: stop reading at once.
    void res.body?.cancel().catch(() => undefined);
  }
}
