/**
 * The Hugging Face Hub's public API, as much of it as finding a BigGAN checkpoint needs: a
 * repository's file list (`/api/models/{repo}/tree/{revision}`), model search
 * (`/api/models?search=`), and file addresses (`/{repo}/resolve/{revision}/{file}`). The fetch is
 * passed in, so the page, the worker and the CLI each bring their own (and tests a local Hub).
 */
import { HubError } from '../errors';
import {
  formatHubRef,
  pickCheckpoint,
  resolveUrl,
  trimSlash,
  type CheckpointChoice,
  type HubFile,
  type HubRef,
} from './hub_ref';

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface ResolvedHubModel {
  ref: HubRef;
  choice: CheckpointChoice;
  checkpointUrl: string;
  configUrl?: string;
}

/** Entries of `/api/models/{repo}/tree/{rev}`: `{ type, path, size, lfs?: { size } }`. */
interface TreeEntry {
  type?: string;
  path?: unknown;
  size?: unknown;
  lfs?: { size?: unknown };
}

async function getJson(fetchFn: Fetch, url: string, what: string, signal?: AbortSignal): Promise<unknown> {
  const res = await fetchFn(url, { signal, credentials: 'omit', headers: { Accept: 'application/json' } });
  if (res.status === 404 || res.status === 401) {
    // The Hub answers 401 rather than 404 for a repository that does not exist, to anonymous callers.
    throw new HubError(
      `The Hub has no public ${what} (HTTP ${res.status}): check the spelling, or it is private or gated.`,
    );
  }
  if (!res.ok) throw new HubError(`The Hub answered HTTP ${res.status} for ${what}. Try again later.`);
  try {
    return await res.json();
  } catch {
    throw new HubError(`The Hub's answer for ${what} is not JSON: is the Hub address right?`);
  }
}

function toFiles(entries: unknown): HubFile[] {
  if (!Array.isArray(entries)) return [];
  return (entries as TreeEntry[])
    .filter((e) => e && typeof e.path === 'string' && (e.type === undefined || e.type === 'file'))
    .map((e) => {
      const size = typeof e.lfs?.size === 'number' ? e.lfs.size : typeof e.size === 'number' ? e.size : undefined;
      return { path: e.path as string, ...(size !== undefined ? { size } : {}) };
    });
}

export async function listRepoFiles(
  hub: string,
  ref: HubRef,
  fetchFn: Fetch,
  signal?: AbortSignal,
): Promise<HubFile[]> {
  const url = `${trimSlash(hub)}/api/models/${ref.repo}/tree/${encodeURIComponent(ref.revision)}?recursive=true`;
  const body = await getJson(fetchFn, url, `repository ${formatHubRef(ref)}`, signal);
  if (!Array.isArray(body))
    throw new HubError(`The Hub's file list for ${formatHubRef(ref)} is not a list: is the Hub address right?`);
  return toFiles(body);
}

/** Lists the repository and picks its checkpoint; says plainly when there is none. */
export async function resolveHubModel(
  hub: string,
  ref: HubRef,
  fetchFn: Fetch,
  signal?: AbortSignal,
): Promise<ResolvedHubModel> {
  const files = await listRepoFiles(hub, ref, fetchFn, signal);
  const choice = pickCheckpoint(files);
  if (!choice) {
    const names =
      files
        .slice(0, 8)
        .map((f) => f.path)
        .join(', ') || 'no files';
    throw new HubError(
      `${formatHubRef(ref)} holds no checkpoint we read (pytorch_model.bin, *.safetensors, G_ema.pth, *-release.pt); it has ${names}.`,
    );
  }
  return {
    ref,
    choice,
    checkpointUrl: resolveUrl(hub, ref, choice.checkpoint.path),
    ...(choice.config ? { configUrl: resolveUrl(hub, ref, choice.config.path) } : {}),
  };
}

export interface HubSearchHit {
  repo: string;
  choice: CheckpointChoice;
}

/** Search results carry `siblings: [{ rfilename }]` when the Hub includes them (full=true). */
interface SearchEntry {
  id?: unknown;
  siblings?: { rfilename?: unknown; size?: unknown }[];
}

/**
 * Repositories matching `query` whose files look like a checkpoint we read. Results without a
 * file list are listed one by one, at most `maxListed` of them.
 */
export async function searchHub(
  hub: string,
  query: string,
  fetchFn: Fetch,
  opts: { signal?: AbortSignal; limit?: number; maxListed?: number } = {},
): Promise<HubSearchHit[]> {
  const limit = opts.limit ?? 30;
  const url = `${trimSlash(hub)}/api/models?search=${encodeURIComponent(query)}&limit=${limit}&full=true`;
  const body = await getJson(fetchFn, url, `search results for "${query}"`, opts.signal);
  if (!Array.isArray(body)) throw new HubError('The Hub search answer is not a list: is the Hub address right?');
  const hits: HubSearchHit[] = [];
  let listed = 0;
  for (const entry of body as SearchEntry[]) {
    if (typeof entry?.id !== 'string' || !entry.id.includes('/')) continue;
    let files: HubFile[];
    if (Array.isArray(entry.siblings)) {
      files = entry.siblings
        .filter((s) => typeof s.rfilename === 'string')
        .map((s) => ({ path: s.rfilename as string }));
    } else {
      if (listed++ >= (opts.maxListed ?? 10)) continue;
      try {
        files = await listRepoFiles(hub, { repo: entry.id, revision: 'main' }, fetchFn, opts.signal);
      } catch {
        continue;
      }
    }
    const choice = pickCheckpoint(files);
    if (choice) hits.push({ repo: entry.id, choice });
  }
  return hits;
}
