/**
 * Downloads with byte progress and cancellation. Content-Length may be missing (then total is 0
 * and the buffer grows), or wrong for compressed responses (then the bytes read win).
 */
import { HttpError, NetworkError } from './errors';

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (loaded: number, total: number) => void;
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url, self.location.href);
    return u.origin === self.location.origin ? u.pathname : u.host;
  } catch {
    return url;
  }
}

export async function fetchChecked(url: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'omit' });
  } catch (e) {
    if (signal?.aborted) throw e;
    if (!navigator.onLine) throw new NetworkError(`You are offline, so ${describeUrl(url)} cannot be downloaded. Connect and try again, or use a cached model.`);
    throw new NetworkError(
      `Could not download ${url}: the server is unreachable, or it does not allow downloads from other sites (CORS). ` +
        'Download the file yourself and drop it on the page instead.',
    );
  }
  if (!res.ok) {
    throw new HttpError(`${describeUrl(url)} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. Check the address.`);
  }
  return res;
}

export async function downloadBytes(url: string, opts: DownloadOptions = {}): Promise<Uint8Array> {
  const res = await fetchChecked(url, opts.signal);
  const declared = Number(res.headers.get('Content-Length') ?? 0);
  const encoded = (res.headers.get('Content-Encoding') ?? 'identity') !== 'identity';
  const total = encoded ? 0 : declared;
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    opts.onProgress?.(buf.length, buf.length);
    return buf;
  }
  const reader = res.body.getReader();
  let buf = new Uint8Array(total > 0 ? total : 1 << 20);
  let loaded = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, loaded + value.length));
      grown.set(buf.subarray(0, loaded));
      buf = grown;
    }
    buf.set(value, loaded);
    loaded += value.length;
    const now = performance.now();
    if (now - lastReport > 100) {
      lastReport = now;
      opts.onProgress?.(loaded, Math.max(total, loaded));
    }
  }
  opts.onProgress?.(loaded, loaded);
  return loaded === buf.length ? buf : buf.slice(0, loaded);
}

export async function downloadText(url: string, signal?: AbortSignal): Promise<string> {
  const res = await fetchChecked(url, signal);
  return res.text();
}
