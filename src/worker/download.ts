/**
 * Downloads that survive real networks: byte progress with a speed, resume with a Range request
 * after a dropped connection, cancellation, and plain words for what went wrong (offline, no
 * CORS, an HTTP status, an HTML page served instead of the file). Content-Length may be missing
 * (then total is 0 and the buffer grows) or wrong for compressed responses (the bytes read win).
 * Runs in the worker, the page and Node alike: only fetch, URL and streams.
 */
import { CancelledError } from '../core/errors';
import { HttpError, NetworkError } from './errors';

export interface DownloadProgress {
  loaded: number;
  /** 0 when the server did not say. */
  total: number;
  /** Bytes per second over the last few seconds; 0 until known. */
  rate: number;
  /** Connections dropped and resumed so far. */
  resumes: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Resumes tried after dropped connections before giving up. */
  maxResumes?: number;
  /** Milliseconds before the first resume; doubles each time. */
  retryDelayMs?: number;
}

const here = (): string | undefined => (globalThis as { location?: Location }).location?.href;

export function describeUrl(url: string): string {
  try {
    const u = new URL(url, here());
    const origin = (globalThis as { location?: Location }).location?.origin;
    return u.origin === origin
      ? u.pathname
      : `${u.host}${u.pathname.length > 40 ? `/…/${u.pathname.split('/').pop()}` : u.pathname}`;
  } catch {
    return url;
  }
}

export function isOffline(): boolean {
  return (globalThis as { navigator?: Navigator }).navigator?.onLine === false;
}

/** Why a fetch that threw (not an HTTP status) failed, in words that do not claim more than we know. */
export function unreachableError(url: string): NetworkError {
  if (isOffline())
    return new NetworkError(
      `You are offline, so ${describeUrl(url)} cannot be downloaded. Connect and press Retry, or use a model saved in this browser.`,
    );
  return new NetworkError(
    `${describeUrl(url)} is not reachable from this browser: the server is down or refused, or it does not allow ` +
      'downloads from other sites (no CORS header); the browser does not say which. Download the file yourself and drop it on the page instead.',
  );
}

export async function fetchChecked(
  url: string,
  signal?: AbortSignal,
  headers?: Record<string, string>,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'omit', ...(headers ? { headers } : {}) });
  } catch (e) {
    if (signal?.aborted) throw new CancelledError('Download cancelled.');
    throw unreachableError(url);
  }
  if (!res.ok) {
    const why =
      res.status === 404
        ? ': there is no file at this address'
        : res.status === 401 || res.status === 403
          ? ': the file is private or needs a login'
          : '';
    throw new HttpError(
      `${describeUrl(url)} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${why}. Check the address.`,
    );
  }
  return res;
}

function htmlError(url: string): HttpError {
  return new HttpError(
    `${describeUrl(url)} sent a web page (HTML) instead of the file: the address leads to a download or sign-in page, not to the file itself. ` +
      'Open it in a tab, download the file there, and drop it on the page.',
  );
}

/** A byte file we expected, but the server labelled its answer as a web page. */
function servesHtml(res: Response): boolean {
  return /^text\/html\b/i.test(res.headers.get('Content-Type') ?? '');
}

function looksLikeHtml(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head.subarray(0, 64)).trimStart().toLowerCase();
  return text.startsWith('<!doctype html') || text.startsWith('<html');
}

/** Total size from `Content-Range: bytes a-b/total`, or null. */
export function contentRangeTotal(header: string | null): number | null {
  const m = /\/(\d+)\s*$/.exec(header ?? '');
  return m ? Number(m[1]) : null;
}

function contentRangeStart(header: string | null): number | null {
  const m = /^bytes\s+(\d+)-/.exec(header ?? '');
  return m ? Number(m[1]) : null;
}

/** Bytes per second over a sliding window of a few seconds. */
class RateMeter {
  private readonly samples: { t: number; bytes: number }[] = [];
  add(bytes: number): number {
    const t = performance.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0].t > 3000) this.samples.shift();
    const first = this.samples[0];
    const span = (t - first.t) / 1000;
    return span > 0.2 ? (bytes - first.bytes) / span : 0;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new CancelledError('Download cancelled.'));
      },
      { once: true },
    );
  });

export async function downloadBytes(url: string, opts: DownloadOptions = {}): Promise<Uint8Array> {
  const maxResumes = opts.maxResumes ?? 5;
  const meter = new RateMeter();
  let buf = new Uint8Array(0);
  let loaded = 0;
  let total = 0;
  let resumes = 0;
  let lastReport = 0;
  const report = (force = false) => {
    const now = performance.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    opts.onProgress?.({ loaded, total: Math.max(total, loaded), rate: meter.add(loaded), resumes });
  };
  const ensure = (n: number) => {
    if (n <= buf.length) return;
    const grown = new Uint8Array(Math.max(n, buf.length * 2, 1 << 20));
    grown.set(buf.subarray(0, loaded));
    buf = grown;
  };

  for (;;) {
    const resuming = loaded > 0;
    const res = await fetchChecked(url, opts.signal, resuming ? { Range: `bytes=${loaded}-` } : undefined);
    if (servesHtml(res)) throw htmlError(url);
    if (resuming) {
      if (res.status === 206 && contentRangeStart(res.headers.get('Content-Range')) === loaded) {
        total = contentRangeTotal(res.headers.get('Content-Range')) ?? total;
      } else {
        // The server ignored the Range (200) or answered another part: start over from byte 0.
        loaded = 0;
        total = 0;
      }
    }
    if (loaded === 0) {
      const encoded = (res.headers.get('Content-Encoding') ?? 'identity') !== 'identity';
      total =
        res.status === 206
          ? (contentRangeTotal(res.headers.get('Content-Range')) ?? 0)
          : encoded
            ? 0
            : Number(res.headers.get('Content-Length') ?? 0);
    }
    ensure(total);
    if (!res.body) {
      const all = new Uint8Array(await res.arrayBuffer());
      ensure(loaded + all.length);
      buf.set(all, loaded);
      loaded += all.length;
      break;
    }
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (loaded === 0 && value.length > 0 && looksLikeHtml(value)) throw htmlError(url);
        ensure(loaded + value.length);
        buf.set(value, loaded);
        loaded += value.length;
        report();
      }
      if (total > 0 && loaded < total) throw new TypeError('The body ended early.');
      break;
    } catch (e) {
      if (opts.signal?.aborted) throw new CancelledError('Download cancelled.');
      if (e instanceof HttpError) throw e;
      if (resumes >= maxResumes) {
        throw new NetworkError(
          `The connection to ${describeUrl(url)} dropped ${resumes + 1} times, last at ${loaded} bytes. Check the network and press Retry.`,
        );
      }
      resumes++;
      report(true);
      await sleep((opts.retryDelayMs ?? 500) * 2 ** (resumes - 1), opts.signal);
    }
  }
  report(true);
  return loaded === buf.length ? buf : buf.slice(0, loaded);
}

export async function downloadText(url: string, signal?: AbortSignal): Promise<string> {
  const res = await fetchChecked(url, signal);
  const text = await res.text();
  if (looksLikeHtml(new TextEncoder().encode(text.slice(0, 64)))) throw htmlError(url);
  return text;
}
