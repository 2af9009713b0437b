/** Loading models (catalog, URL, files, cache), cancelling, and the IndexedDB cache list. */
import { classesForModel } from '../../core/classes/model_classes';
import { parseClassSpec } from '../../core/classes/class_search';
import { CancelledError } from '../../core/errors';
import type { ClassWeight } from '../../core/latent/class_vector';
import type { ModelInfo, ModelSource } from '../../worker/protocol';
import { catalogEntry, DEFAULT_MODEL_ID } from '../catalog';
import type { ModelRef, SlotState } from '../store/settings_slice';
import { useStore } from '../store/store';
import { errorText, notify, worker } from './worker_link';

let loading: number | null = null;
let loadingFlag: Int32Array | null = null;

/** A flag the worker reads even while it converts synchronously (needs cross-origin isolation). */
function newCancelFlag(): Int32Array | undefined {
  return typeof SharedArrayBuffer !== 'undefined' && crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
}

function cancelCurrent(): void {
  if (loading === null) return;
  if (loadingFlag) Atomics.store(loadingFlag, 0, 1);
  worker().cancel(loading);
}

/** The source for a reference: a catalog id, or a URL (model.json or raw checkpoint). */
export function sourceForRef(ref: ModelRef): { source: ModelSource; label: string } {
  const entry = catalogEntry(ref.model);
  if (entry) {
    return {
      source: { kind: 'url', url: entry.url, configUrl: entry.config, cacheKey: entry.cacheKey, label: entry.label },
      label: entry.label,
    };
  }
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

/** Loads a model; on failure the current one stays and the error is shown. Resolves true on success. */
export async function loadModel(source: ModelSource, label: string, ref: ModelRef | null, pending: PendingSettings = {}): Promise<boolean> {
  const client = worker();
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
    if (loading !== call.id) return false;
    loading = null;
    adoptModel(info, ref, pending);
    if (info.cacheKey && !info.fromCache) void refreshCached();
    return true;
  } catch (e) {
    if (loading !== call.id) return false;
    loading = null;
    const had = useStore.getState().modelInfo !== null;
    const cancelled = e instanceof CancelledError;
    useStore.setState({
      modelStatus: had ? 'ready' : 'error',
      loadingLabel: null,
      loadProgress: null,
      loadError: cancelled ? null : `Could not load ${label}: ${errorText(e)}${had ? ' The previous model is still in use.' : ''}`,
    });
    if (cancelled) notify('info', `Loading ${label} was cancelled.`);
    return false;
  }
}

export function cancelLoad(): void {
  cancelCurrent();
}

export function loadRef(ref: ModelRef, pending?: PendingSettings): Promise<boolean> {
  const { source, label } = sourceForRef(ref);
  return loadModel(source, label, ref, pending);
}

export function loadFiles(files: File[]): Promise<boolean> {
  const label = files.length === 1 ? files[0].name : `${files.length} files`;
  return loadModel({ kind: 'files', files }, label, null);
}

export function loadCachedModel(key: string): Promise<boolean> {
  const ref: ModelRef = catalogEntry(key) ? { model: key } : { model: key };
  return loadModel({ kind: 'cached', key }, key, ref);
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
  const sameSlots = s.modelInfo?.slots.length === slotCount && s.modelInfo.architecture.family === info.architecture.family;
  const slots: SlotState[] = Array.from({ length: slotCount }, (_, i) =>
    sameSlots && s.slots[i] ? s.slots[i] : { locked: false, strength: 1 },
  );
  for (const [i, o] of pending.slotOverrides ?? []) {
    if (i < slotCount) slots[i] = { ...slots[i], ...o };
    else notify('warning', `Ignored the setting for latent slot ${i}: this model has slots 0 to ${slotCount - 1}.`);
  }
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
  });
}

export async function refreshCached(): Promise<void> {
  try {
    useStore.setState({ cached: await worker().request({ type: 'listCached' }).promise });
  } catch {
    // No IndexedDB here: the list stays empty.
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
