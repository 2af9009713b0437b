/**
 * Finding where a model lives, before anything large moves: probing a catalog entry's mirrors,
 * resolving `hf:` references and searching the Hub through its public API, and the Hub address
 * setting (tests point it at a local Hub).
 */
import { resolveHubModel, searchHub, type Fetch, type ResolvedHubModel } from '../../core/hub/hub_api';
import { DEFAULT_HUB, parseHubRef, trimSlash } from '../../core/hub/hub_ref';
import { CancelledError } from '../../core/errors';
import { unreachableError } from '../../worker/download';
import { probeUrl } from '../../worker/probe';
import { entryMirrors, type CatalogEntry } from '../catalog';
import { storeHubBase, type MirrorStatus } from '../store/source_slice';
import { useStore } from '../store/store';
import { errorText } from './worker_link';

/** fetch, with a failure that says what we know (offline, unreachable or no CORS) instead of "Failed to fetch". */
export const pageFetch: Fetch = async (url, init) => {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (init?.signal?.aborted) throw new CancelledError('Cancelled.');
    throw unreachableError(url);
  }
};

function setStatus(id: string, i: number, status: MirrorStatus): void {
  useStore.setState((s) => {
    const list = [...(s.mirrorStatus[id] ?? [])];
    list[i] = status;
    return { mirrorStatus: { ...s.mirrorStatus, [id]: list } };
  });
}

/** Probes every mirror of `entry` at once (1 byte each); the statuses appear as they come. */
export async function probeEntry(entry: CatalogEntry, signal?: AbortSignal): Promise<MirrorStatus[]> {
  const mirrors = entryMirrors(entry, useStore.getState().hubBase);
  useStore.setState((s) => ({
    mirrorStatus: { ...s.mirrorStatus, [entry.id]: mirrors.map(() => ({ state: 'probing' as const })) },
  }));
  return Promise.all(
    mirrors.map(async (m, i) => {
      const status = await probeUrl(m.checkpoint, signal);
      setStatus(entry.id, i, status);
      return status;
    }),
  );
}

/** Records what a download from a mirror that looked available ran into. */
export function markMirrorFailed(entry: CatalogEntry, index: number, message: string): void {
  setStatus(entry.id, index, { state: 'unreachable', reason: 'network', detail: message });
}

export function resolveHub(ref: string, signal?: AbortSignal): Promise<ResolvedHubModel> {
  return resolveHubModel(useStore.getState().hubBase, parseHubRef(ref), pageFetch, signal);
}

let searching: AbortController | null = null;

export async function searchTheHub(query: string): Promise<void> {
  searching?.abort();
  const q = query.trim();
  if (!q) {
    useStore.setState({ hubSearch: { query: '', status: 'idle', hits: [] } });
    return;
  }
  const ctrl = new AbortController();
  searching = ctrl;
  useStore.setState({ hubSearch: { query: q, status: 'searching', hits: [] } });
  try {
    const hits = await searchHub(useStore.getState().hubBase, q, pageFetch, { signal: ctrl.signal });
    if (searching === ctrl) useStore.setState({ hubSearch: { query: q, status: 'done', hits } });
  } catch (e) {
    if (searching === ctrl && !ctrl.signal.aborted)
      useStore.setState({ hubSearch: { query: q, status: 'error', hits: [], error: errorText(e) } });
  }
}

/** Sets the Hub address (for a mirror of the Hub, or a local one); forgets what the old one said. */
export function setHubBase(url: string): void {
  const hubBase = trimSlash(url.trim()) || DEFAULT_HUB;
  storeHubBase(hubBase);
  useStore.setState({ hubBase, mirrorStatus: {}, hubSearch: { query: '', status: 'idle', hits: [] } });
}
