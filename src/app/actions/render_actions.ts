/**
 * Keeps the samples in step with the settings: every change sends a render at once; the previous
 * request is cancelled, and its late samples are ignored, so the latest settings always win.
 */
import { CancelledError } from '../../core/errors';
import { sampleSeed, type SlotSetting } from '../../core/latent/latent_request';
import type { RenderSettings } from '../../worker/protocol';
import type { SampleView } from '../store/runtime_slice';
import type { AppState } from '../store/store';
import { useStore } from '../store/store';
import { errorText, worker } from './worker_link';

let inflight: number | null = null;
let scheduled = false;

export function renderSettings(s: AppState): RenderSettings {
  const slots: (SlotSetting | undefined)[] = s.slots.map((x) =>
    x.values
      ? { values: x.values, strength: x.strength }
      : x.seed === undefined && x.strength === 1
        ? undefined
        : { seed: x.seed, strength: x.strength },
  );
  return {
    classes: s.classes,
    truncation: s.truncation,
    mode: s.mode,
    seed: s.seed,
    batch: s.batch,
    slots,
    edits: s.edits,
  };
}

/** Coalesces changes made in one tick into one request. */
export function scheduleRender(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    renderNow();
  });
}

function placeholders(s: AppState): SampleView[] {
  const size = s.modelInfo?.architecture.resolution ?? 0;
  return Array.from({ length: s.batch }, (_, i) => {
    const old = s.samples[i];
    const seed = sampleSeed(s.seed, i);
    return old && old.width === size
      ? { ...old, seed, fresh: false }
      : { index: i, seed, width: size, height: size, rgba: null, ms: 0, fresh: false };
  });
}

export function renderNow(): void {
  const s = useStore.getState();
  if (!s.modelInfo) return;
  const client = worker();
  if (inflight !== null) client.cancel(inflight);
  useStore.setState({
    samples: placeholders(s),
    rendering: true,
    renderError: null,
    renderGeneration: s.renderGeneration + 1,
  });
  const call = client.request({ type: 'render', settings: renderSettings(s) }, (p) => {
    if (inflight !== call.id) return;
    useStore.setState((st) => ({
      samples: st.samples.map((x) =>
        x.index === p.index ? { ...x, rgba: p.rgba, width: p.width, height: p.height, ms: p.ms, fresh: true } : x,
      ),
    }));
  });
  inflight = call.id;
  call.promise.then(
    () => {
      if (inflight === call.id) {
        inflight = null;
        useStore.setState({ rendering: false });
      }
    },
    (e: unknown) => {
      if (inflight !== call.id || e instanceof CancelledError) return;
      inflight = null;
      useStore.setState({ rendering: false, renderError: errorText(e) });
    },
  );
}

/** Stops the grid's render (a backend switch is coming); the samples keep what they had. */
export function cancelRender(): void {
  if (inflight === null) return;
  worker().cancel(inflight);
  inflight = null;
  useStore.setState({ rendering: false });
}

/** Fields whose change needs new samples. */
export function renderInputsChanged(a: AppState, b: AppState): boolean {
  return (
    a.classes !== b.classes ||
    a.truncation !== b.truncation ||
    a.mode !== b.mode ||
    a.seed !== b.seed ||
    a.batch !== b.batch ||
    a.slots !== b.slots ||
    a.edits !== b.edits ||
    a.modelInfo !== b.modelInfo
  );
}
