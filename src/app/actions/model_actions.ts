/**
 * Loading models (catalog, URL, `hf:` reference, files, cache), cancelling, the IndexedDB cache
 * list, and a shared link whose model fails to load. A catalog entry with mirrors is probed first
 * and loaded from the first mirror that answers; an `hf:` reference is resolved through the Hub
 * API into its checkpoint's address. Either is loaded from this browser's cache when it is there.
 */
import { classesForModel } from '../../core/classes/model_classes';
import { parseClassSpec } from '../../core/classes/class_search';
import { CancelledError } from '../../core/errors';
import { formatHubRef, isHubRef, parseHubRef } from '../../core/hub/hub_ref';
import type { ClassWeight } from '../../core/latent/class_vector';
import { NetworkError } from '../../worker/errors';
import type { CachedModel, ModelInfo, ModelSource } from '../../worker/protocol';
import { catalogEntry, DEFAULT_MODEL_ID, entryMirrors, type CatalogEntry } from '../catalog';
import { formatBytes } from '../format';
import type { ModelRef, SlotState } from '../store/settings_slice';
import { useStore } from '../store/store';
import { markMirrorFailed, probeEntry, resolveHub } from './source_actions';
import { errorText, notify, worker } from './worker_link';

let loading: number | null = null;
let loadingFlag: Int32Array | null = null;
/** The look-up before a download (probes, Hub API), cancelled with the load. */
let lookingUp: AbortController | null = null;
/** Why the last load failed, for the shared-link notice; empty when it was cancelled. */
let lastFailure = '';
/** Bumped by every new load the user or the page starts; older ones stop where they are. */
let generation = 0;

/** A flag the worker reads even while it converts synchronously (needs cross-origin isolation). */
function newCancelFlag(): Int32Array | undefined {
  return typeof SharedArrayBuffer !== 'undefined' && crossOriginIsolated
    ? new Int32Array(new SharedArrayBuffer(4))
    : undefined;
}

function cancelCurrent(): void {
  lookingUp?.abort();
  lookingUp = null;
  if (loading === null) return;
  if (loadingFlag) Atomics.store(loadingFlag, 0, 1);
  worker().cancel(loading);
}

/** The source for a URL reference (model.json or raw checkpoint). */
export function sourceForRef(ref: ModelRef): { source: ModelSource; label: string } {
  const entry = catalogEntry(ref.model);
  if (entry?.url) return { source: { kind: 'url', url: entry.url, label: entry.label }, label: entry.label };
  const absolute = new URL(ref.model, location.href);
  const crossOrigin = absolute.origin !== location.origin;
  return {
    source: { kind: 'url', url: ref.model, configUrl: ref.config, cacheKey: crossOrigin ? ref.model : undefined },
    label: absolute.pathname.split('/').filter(Boolean).slice(-2).join('/'),
  };
}

export interface PendingSettings {
  classSpec?: string;
  slotOverrides?: Map<number, Partial<SlotState>>;
}

function failLoad(label: string, e: unknown): false {
  const had = useStore.getState().modelInfo !== null;
  const cancelled = e instanceof CancelledError || (e instanceof DOMException && e.name === 'AbortError');
  lastFailure = cancelled ? '' : errorText(e);
  useStore.setState({
    modelStatus: had ? 'ready' : 'error',
    loadingLabel: null,
    loadProgress: null,
    loadError: cancelled
      ? null
      : `Could not load ${label}: ${lastFailure}${had ? ' The previous model is still in use.' : ''}`,
  });
  if (cancelled) notify('info', `Loading ${label} was cancelled.`);
  return false;
}

/** Loads a model; on failure the current one stays and the error is shown. Resolves true on success. */
export async function loadModel(
  source: ModelSource,
  label: string,
  ref: ModelRef | null,
  pending: PendingSettings = {},
): Promise<boolean> {
  const client = worker();
  const gen = generation;
  cancelCurrent();
  useStore.setState({ modelStatus: 'loading', loadingLabel: label, loadProgress: null, loadError: null });
  const cancelFlag = newCancelFlag();
  loadingFlag = cancelFlag ?? null;
  const call = client.request({ type: 'loadModel', source, cancelFlag }, (p) => {
    if (loading === call.id) useStore.setState({ loadProgress: p });
  });
  loading = call.id;
  try {
    const info = await call.promise;
    if (loading !== call.id || gen !== generation) return false;
    loading = null;
    adoptModel(info, ref, pending);
    if (info.cacheError) {
      notify(
        'warning',
        `${info.label} could not be kept for offline use: ${info.cacheError}. It runs now, uncached, and will download again next time. Deleting saved models frees space.`,
      );
    }
    if (info.cacheKey && !info.fromCache) void refreshCached();
    return true;
  } catch (e) {
    if (loading !== call.id || gen !== generation) return false;
    loading = null;
    return failLoad(label, e);
  }
}

export function cancelLoad(): void {
  cancelCurrent();
  const s = useStore.getState();
  if (s.modelStatus === 'loading') {
    useStore.setState({ modelStatus: s.modelInfo ? 'ready' : 'error', loadingLabel: null, loadProgress: null });
  }
}

/** Starts the look-up phase: shows it as loading, and gives the signal that Cancel aborts. */
function beginLookUp(label: string): AbortSignal {
  cancelCurrent();
  const ctrl = new AbortController();
  lookingUp = ctrl;
  useStore.setState({ modelStatus: 'loading', loadingLabel: label, loadProgress: null, loadError: null });
  return ctrl.signal;
}

async function isCached(key: string): Promise<boolean> {
  return (await refreshCached())?.some((c) => c.key === key) ?? false;
}

/** Probes the entry's mirrors, then downloads from the first that answers, falling back in order. */
async function loadFromMirrors(entry: CatalogEntry, ref: ModelRef, pending: PendingSettings): Promise<boolean> {
  const gen = generation;
  const key = entry.cacheKey ?? entry.id;
  if (await isCached(key)) return loadModel({ kind: 'cached', key }, entry.label, ref, pending);
  const signal = beginLookUp(`${entry.label}: checking its download addresses`);
  let statuses;
  try {
    statuses = await probeEntry(entry, signal);
  } catch (e) {
    return gen === generation ? failLoad(entry.label, e) : false;
  }
  if (signal.aborted || gen !== generation) return false;
  const mirrors = entryMirrors(entry, useStore.getState().hubBase);
  const reasons: string[] = [];
  for (let i = 0; i < mirrors.length; i++) {
    const status = statuses[i];
    if (status.state !== 'available') {
      reasons.push(`${mirrors[i].label}: ${status.state === 'unreachable' ? status.detail : 'not checked'}`);
      continue;
    }
    const m = mirrors[i];
    const size = status.bytes ? ` (${formatBytes(status.bytes)})` : '';
    const ok = await loadModel(
      { kind: 'url', url: m.checkpoint, configUrl: m.config, cacheKey: key, label: entry.label },
      `${entry.label} from ${m.label}${size}`,
      ref,
      pending,
    );
    if (ok || !lastFailure || gen !== generation) return ok;
    markMirrorFailed(entry, i, lastFailure);
    reasons.push(`${m.label}: ${lastFailure}`);
  }
  return failLoad(
    entry.label,
    new NetworkError(
      `no download address answered. ${reasons.join(' · ')} Drop the file instead (see the model's sources).`,
    ),
  );
}

/** Resolves `hf:owner/repo[@rev]` through the Hub API, then downloads its checkpoint and config.json. */
async function loadFromHub(ref: ModelRef, pending: PendingSettings): Promise<boolean> {
  const gen = generation;
  let label = ref.model;
  try {
    const hubRef = parseHubRef(ref.model);
    label = formatHubRef(hubRef);
    const key = label;
    if (await isCached(key)) return loadModel({ kind: 'cached', key }, label, { model: label }, pending);
    const signal = beginLookUp(`${label}: asking the Hub for its files`);
    const resolved = await resolveHub(ref.model, signal);
    if (signal.aborted || gen !== generation) return false;
    const file = resolved.choice.checkpoint;
    const size = file.size ? ` (${formatBytes(file.size)})` : '';
    return loadModel(
      { kind: 'url', url: resolved.checkpointUrl, configUrl: resolved.configUrl, cacheKey: key, label },
      `${label}: ${file.path}${size}`,
      { model: label },
      pending,
    );
  } catch (e) {
    return gen === generation ? failLoad(label, e) : false;
  }
}

export function loadRef(ref: ModelRef, pending: PendingSettings = {}): Promise<boolean> {
  generation++;
  const entry = catalogEntry(ref.model);
  if (entry?.mirrors) return loadFromMirrors(entry, ref, pending);
  if (isHubRef(ref.model)) return loadFromHub(ref, pending);
  const { source, label } = sourceForRef(ref);
  return loadModel(source, label, ref, pending);
}

/**
 * The model a shared link names. If it fails, the default model stands in, the link's other
 * settings stay, and the failure (with its reason) stays on screen with Retry until a model loads.
 */
export async function openLinkModel(ref: ModelRef | undefined, pending: PendingSettings): Promise<void> {
  if (!ref) {
    await loadRef(DEFAULT_REF, pending);
    return;
  }
  const search = location.search;
  if (await loadRef(ref, pending)) return;
  if (!lastFailure) return; // cancelled by the user: nothing to explain
  useStore.setState({
    linkFailure: {
      ref,
      reason: lastFailure,
      classSpec: pending.classSpec,
      slotOverrides: pending.slotOverrides,
      search,
    },
    loadError: null,
  });
  await loadRef(DEFAULT_REF, { slotOverrides: pending.slotOverrides });
}

export async function retryLinkModel(): Promise<void> {
  const failure = useStore.getState().linkFailure;
  if (!failure) return;
  if (await loadRef(failure.ref, { classSpec: failure.classSpec, slotOverrides: failure.slotOverrides })) {
    useStore.setState({ linkFailure: null });
    return;
  }
  if (lastFailure) useStore.setState({ linkFailure: { ...failure, reason: lastFailure }, loadError: null });
}

export function loadFiles(files: File[]): Promise<boolean> {
  const label = files.length === 1 ? files[0].name : `${files.length} files`;
  generation++;
  return loadModel({ kind: 'files', files }, label, null);
}

export function loadCachedModel(key: string): Promise<boolean> {
  generation++;
  return loadModel({ kind: 'cached', key }, key, { model: key });
}

function defaultClass(numClasses: number): ClassWeight[] {
  // 207 is the golden retriever of ImageNet, a friendly first sample.
  return [{ index: numClasses === 1000 ? 207 : 0, weight: 1 }];
}

/** Makes a loaded model current, fitting the settings to its classes and latent slots. */
function adoptModel(info: ModelInfo, ref: ModelRef | null, pending: PendingSettings): void {
  const s = useStore.getState();
  const classList = classesForModel(info.topology);
  const n = info.architecture.numClasses;
  let classes = s.classes;
  if (pending.classSpec !== undefined) {
    try {
      classes = parseClassSpec(pending.classSpec, classList);
    } catch (e) {
      notify('warning', `Ignored class "${pending.classSpec}": ${errorText(e)}`);
      classes = defaultClass(n);
    }
  } else if (s.modelInfo === null || classes.some((c) => c.index >= n) || s.modelInfo.architecture.numClasses !== n) {
    classes = defaultClass(n);
  }
  const slotCount = info.slots.length;
  const sameSlots =
    s.modelInfo?.slots.length === slotCount && s.modelInfo.architecture.family === info.architecture.family;
  const slots: SlotState[] = Array.from({ length: slotCount }, (_, i) =>
    sameSlots && s.slots[i] ? s.slots[i] : { locked: false, strength: 1 },
  );
  for (const [i, o] of pending.slotOverrides ?? []) {
    if (i < slotCount) slots[i] = { ...slots[i], ...o };
    else notify('warning', `Ignored the setting for latent slot ${i}: this model has slots 0 to ${slotCount - 1}.`);
  }
  // A model the user picked replaces the link's stand-in: the failed link is no longer the view.
  const keepFailure = s.linkFailure !== null && ref?.model === DEFAULT_MODEL_ID;
  useStore.setState({
    modelInfo: info,
    modelRef: ref,
    classList,
    classes,
    slots,
    modelStatus: 'ready',
    loadingLabel: null,
    loadProgress: null,
    loadError: null,
    ...(keepFailure ? {} : { linkFailure: null }),
  });
}

/** Reads the offline copies into the store; null where there is no IndexedDB (the list stays as it was). */
export async function refreshCached(): Promise<CachedModel[] | null> {
  try {
    const cached = await worker().request({ type: 'listCached' }).promise;
    useStore.setState({ cached });
    return cached;
  } catch {
    return null;
  }
}

export async function deleteCachedModel(key: string): Promise<void> {
  try {
    useStore.setState({ cached: await worker().request({ type: 'deleteCached', key }).promise });
    notify('info', `Deleted ${key} from this browser's storage.`);
  } catch (e) {
    notify('error', `Could not delete ${key}: ${errorText(e)}`);
  }
}

export const DEFAULT_REF: ModelRef = { model: DEFAULT_MODEL_ID };
