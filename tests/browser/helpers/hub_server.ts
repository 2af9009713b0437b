/**
 * A local stand-in for the Hugging Face Hub, on 127.0.0.1 and two random ports: the Hub origin
 * answers the API (`/api/models/{repo}/tree/{rev}`, `/api/models?search=`) and `/{repo}/resolve/
 * {rev}/{file}` with a 302 to a second origin, the storage, as LFS and Xet do. Each file can
 * misbehave the way real networks do: no CORS, no Range, no Content-Length, a slow trickle, a
 * connection cut mid-body, an HTML page instead of the file, or a 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFileSpec {
  bytes: Uint8Array;
  /** Drop the connection after this many body bytes, on the first `cuts` requests (default 1). */
  cutAfter?: number;
  cuts?: number;
  /** Send the body in pieces of `bytes` every `ms`. */
  trickle?: { bytes: number; ms: number };
  /** Chunked transfer, no Content-Length. */
  noLength?: boolean;
  /** Ignore Range and answer 200 with the whole file. */
  noRange?: boolean;
  /** Answer with a login-style HTML page (200, text/html) instead of the file. */
  html?: boolean;
  /** The storage answers 404 for this file although the Hub lists it. */
  missing?: boolean;
}

export interface HubRepoSpec {
  files: Record<string, HubFileSpec>;
  /**
   * 'full' (default): CORS on both origins. 'none': no CORS header anywhere. 'corp': a
   * Cross-Origin-Resource-Policy header but no Access-Control-Allow-Origin, as some CDNs send.
   */
  cors?: 'full' | 'none' | 'corp';
}

export interface HubRequest {
  origin: 'hub' | 'storage';
  method: string;
  path: string;
  range?: string;
}

export interface HubServer {
  /** The Hub's base address, as the app's Hub setting takes it. */
  origin: string;
  storageOrigin: string;
  requests: HubRequest[];
  close(): Promise<void>;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, ETag',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

function corsHeaders(mode: HubRepoSpec['cors']): Record<string, string> {
  if (mode === 'none') return {};
  if (mode === 'corp') return { 'Cross-Origin-Resource-Policy': 'cross-origin' };
  return CORS;
}

function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

function preflight(req: IncomingMessage, res: ServerResponse, mode: HubRepoSpec['cors']): boolean {
  if (req.method !== 'OPTIONS') return false;
  const h =
    mode === 'full' || mode === undefined
      ? {
          ...CORS,
          'Access-Control-Allow-Headers': 'Range, Accept',
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Max-Age': '600',
        }
      : {};
  res.writeHead(204, h);
  res.end();
  return true;
}

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Please sign in to download this file.</p></body></html>';

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  spec: HubFileSpec,
  headers: Record<string, string>,
  cutsLeft: () => boolean,
): Promise<void> {
  if (spec.missing) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
    res.end('Entry not found');
    return;
  }
  if (spec.html) {
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': String(HTML_PAGE.length),
    });
    res.end(HTML_PAGE);
    return;
  }
  const size = spec.bytes.length;
  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const h: Record<string, string> = {
    ...headers,
    'Content-Type': 'application/octet-stream',
    'Accept-Ranges': spec.noRange ? 'none' : 'bytes',
  };
  if (range && !spec.noRange) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size) {
      res.writeHead(416, { ...h, 'Content-Range': `bytes */${size}` });
      res.end();
      return;
    }
    status = 206;
    h['Content-Range'] = `bytes ${start}-${end}/${size}`;
  }
  const body = spec.bytes.subarray(start, end + 1);
  if (!spec.noLength) h['Content-Length'] = String(body.length);
  res.writeHead(status, h);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const cutAt = spec.cutAfter !== undefined && cutsLeft() ? spec.cutAfter : Infinity;
  const piece = spec.trickle?.bytes ?? 1 << 16;
  for (let sent = 0; sent < body.length; sent += piece) {
    if (res.destroyed) return;
    const chunk = body.subarray(sent, Math.min(sent + piece, body.length));
    if (sent + chunk.length > cutAt) {
      res.write(chunk.subarray(0, Math.max(0, cutAt - sent)));
      // A reset mid-body, as a dropped connection: the client sees a network error, not an end.
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.resetAndDestroy();
      return;
    }
    if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    if (spec.trickle) await new Promise((r) => setTimeout(r, spec.trickle!.ms));
  }
  res.end();
}

export async function startHubServer(repos: Record<string, HubRepoSpec>): Promise<HubServer> {
  const requests: HubRequest[] = [];
  const cutCounts = new Map<string, number>();
  const log = (origin: HubRequest['origin'], req: IncomingMessage, path: string) =>
    requests.push({
      origin,
      method: req.method ?? 'GET',
      path,
      ...(req.headers.range ? { range: req.headers.range } : {}),
    });

  const storage = await listen((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    log('storage', req, path);
    // Storage paths are /{repo}/{file}.
    const repoName = Object.keys(repos).find((r) => path.startsWith(`/${r}/`));
    const repo = repoName ? repos[repoName] : undefined;
    if (preflight(req, res, repo?.cors)) return;
    const file = repo && repo.files[path.slice(repoName!.length + 2)];
    if (!repo || !file) {
      res.writeHead(404, CORS);
      res.end('no such blob');
      return;
    }
    const key = path;
    const cutsLeft = () => {
      const used = cutCounts.get(key) ?? 0;
      if (used >= (file.cuts ?? 1)) return false;
      cutCounts.set(key, used + 1);
      return true;
    };
    void sendFile(req, res, file, corsHeaders(repo.cors), cutsLeft);
  });

  const hub = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    log('hub', req, path + url.search);
    const json = (status: number, body: unknown, headers: Record<string, string> = CORS) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return void preflight(req, res, 'full');
    if (path === '/api/models') {
      const q = (url.searchParams.get('search') ?? '').toLowerCase();
      // Like the real search: ids only unless full=true, and then `siblings` with `rfilename`.
      const full = url.searchParams.get('full') === 'true';
      return json(
        200,
        Object.keys(repos)
          .filter((r) => r.toLowerCase().includes(q))
          .map((id) => ({
            id,
            modelId: id,
            ...(full ? { siblings: Object.keys(repos[id].files).map((rfilename) => ({ rfilename })) } : {}),
          })),
      );
    }
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(path);
    if (tree) {
      const repo = repos[tree[1]];
      if (!repo) return json(401, { error: 'Repository not found' });
      if (tree[2] !== 'main') return json(404, { error: `Invalid rev id: ${tree[2]}` });
      return json(
        200,
        Object.entries(repo.files).map(([p, f]) => ({
          type: 'file',
          oid: 'x',
          path: p,
          size: f.bytes.length,
          ...(f.bytes.length > 1e6 ? { lfs: { oid: 'y', size: f.bytes.length } } : {}),
        })),
      );
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve && repos[resolve[1]]?.files[resolve[3]]) {
      const repo = repos[resolve[1]];
      const headers = corsHeaders(repo.cors);
      // Every file by redirect to the storage origin, as LFS and Xet files are.
      res.writeHead(302, { ...headers, Location: `${storage.origin}/${resolve[1]}/${resolve[3]}` });
      res.end();
      return;
    }
    json(404, { error: 'Entry not found' });
  });

  return {
    origin: hub.origin,
    storageOrigin: storage.origin,
    requests,
    close: async () => {
      for (const s of [hub.server, storage.server]) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    },
  };
}
