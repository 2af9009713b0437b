/**
 * Interpolation: pick A and B (from the grid or the history), draw the walk in the worker a chunk at a
 * time, then export it as a PNG strip, an animated GIF or a WebM video, with progress and cancel.
 */
import { CancelledError } from '../../core/errors';
import type { RgbImage } from '../../core/export/png';
import type { SampleRecord } from '../../core/export/sample_record';
import type { InterpolationTarget } from '../../core/latent/interpolate';
import { endpointFromRecord } from '../../core/sampling/interpolation';
import { tileImages } from '../../core/export/png';
import { downloadBlob, pngBlob, rgbaToRgb, sampleImage } from '../export/export_png';
import { classSlug, fileBase, modelSlug } from '../export/file_names';
import { encodeGifAsync } from '../export/gif_export';
import { upscale } from '../export/resize';
import { recordForView } from '../export/view_record';
import { encodeWebm, findVideoCodec } from '../export/webm_export';
import type { JobProgress, PickedSample } from '../store/export_slice';
import { useStore } from '../store/store';
import { errorText, notify, worker } from './worker_link';

export const MAX_UI_STEPS = 64;
export const MIN_FPS = 1;
export const MAX_FPS = 30;

let job: { id: number | null; abort: AbortController } | null = null;

export async function detectVideo(): Promise<void> {
  useStore.setState({ videoCodec: await findVideoCodec() });
}

/** The current grid sample becomes end A or B. */
export function pickCurrent(which: 'a' | 'b'): void {
  const s = useStore.getState();
  const x = s.samples[s.current];
  if (!x?.fresh || !x.rgba) return;
  const record = recordForView(s, x.index);
  if (!record) return;
  setEnd(which, record, URL.createObjectURL(pngBlob(sampleImage({ width: x.width, height: x.height, rgba: x.rgba }))));
}

export async function pickFromHistory(which: 'a' | 'b', id: number): Promise<void> {
  const item = useStore.getState().history.find((h) => h.id === id);
  if (!item) return;
  const copy = URL.createObjectURL(await (await fetch(item.thumb)).blob());
  setEnd(which, item.record, copy);
}

function setEnd(which: 'a' | 'b', record: SampleRecord, thumb: string): void {
  const key = which === 'a' ? 'interpA' : 'interpB';
  const old = useStore.getState()[key];
  if (old) URL.revokeObjectURL(old.thumb);
  useStore.setState({ [key]: { record, thumb } });
}

export function setSteps(n: number): void {
  if (Number.isInteger(n)) useStore.setState({ interpSteps: Math.min(MAX_UI_STEPS, Math.max(2, n)) });
}

export function setFps(fps: number): void {
  if (Number.isFinite(fps)) useStore.setState({ interpFps: Math.min(MAX_FPS, Math.max(MIN_FPS, Math.round(fps))) });
}

export function setPingPong(on: boolean): void {
  useStore.setState({ interpPingPong: on });
}

/** The order frames play in: A to B, or A to B and back (without repeating either end). */
export function playOrder(count: number, pingPong: boolean): number[] {
  const forward = Array.from({ length: count }, (_, i) => i);
  return pingPong && count > 2 ? [...forward, ...forward.slice(1, -1).reverse()] : forward;
}

export function setWhat(what: InterpolationTarget): void {
  useStore.setState({ interpWhat: what });
}

function progress(p: JobProgress | null): void {
  useStore.setState({ interpProgress: p });
}

export function cancelJob(): void {
  if (!job) return;
  job.abort.abort();
  if (job.id !== null) worker().cancel(job.id);
}

/** Draws the walk from A to B; frames appear in the strip as they come. */
/** Why A and B cannot be interpolated on the loaded model, or null when they can. */
export function interpEndsProblem(a: PickedSample, b: PickedSample, loadedHash: string | undefined): string | null {
  if (a.record.model.hash !== b.record.model.hash)
    return `A comes from '${a.record.model.id}' and B from '${b.record.model.id}': pick both ends from one model.`;
  if (a.record.model.hash !== loadedHash)
    return `A and B come from '${a.record.model.id}', not the model loaded now: open it, or pick both ends from this one.`;
  return null;
}

export async function runInterpolation(): Promise<void> {
  const s = useStore.getState();
  const { interpA: a, interpB: b, interpSteps: steps, interpWhat: what } = s;
  if (!a || !b || !s.modelInfo) return;
  const problem = interpEndsProblem(a, b, s.modelInfo.topology.contentHash);
  if (problem) {
    useStore.setState({ interpError: problem });
    return;
  }
  cancelJob();
  const abort = new AbortController();
  const size = s.modelInfo.architecture.resolution;
  useStore.setState({
    interpFrames: Array.from({ length: steps }, () => null),
    interpSize: size,
    interpMadeFor: { a: a.record, b: b.record, what },
    interpStatus: 'generating',
    interpError: null,
  });
  progress({ label: 'Drawing frames', done: 0, total: steps });
  let done = 0;
  const call = worker().request(
    { type: 'interpolate', job: { a: endpointFromRecord(a.record), b: endpointFromRecord(b.record), steps, what } },
    (p) => {
      if (abort.signal.aborted) return;
      done++;
      useStore.setState((st) => ({ interpFrames: st.interpFrames.map((f, i) => (i === p.index ? p.rgba : f)) }));
      progress({ label: 'Drawing frames', done, total: steps });
    },
  );
  job = { id: call.id, abort };
  try {
    await call.promise;
    if (job?.abort === abort) useStore.setState({ interpStatus: 'done', interpProgress: null });
  } catch (e) {
    if (job?.abort !== abort) return;
    const cancelled = e instanceof CancelledError;
    useStore.setState({ interpStatus: 'idle', interpProgress: null, interpError: cancelled ? null : errorText(e) });
    if (cancelled) notify('info', 'Interpolation cancelled.');
  } finally {
    if (job?.abort === abort) job = null;
  }
}

/** The drawn frames at the export scale, or null if the walk is not complete. */
function exportFrames(): RgbImage[] | null {
  const s = useStore.getState();
  if (s.interpStatus !== 'done' || s.interpFrames.some((f) => f === null)) return null;
  const size = s.interpSize;
  const frames = s.interpFrames.map((f) =>
    upscale({ width: size, height: size, data: rgbaToRgb(f!) }, s.exportScale, s.exportFilter),
  );
  return playOrder(frames.length, s.interpPingPong).map((i) => frames[i]);
}

function walkName(ext: string): string {
  const s = useStore.getState();
  const made = s.interpMadeFor!;
  const ca = classSlug(made.a.classes, s.classList);
  const cb = classSlug(made.b.classes, s.classList);
  const base = fileBase({
    model: modelSlug(s.modelRef, s.modelInfo?.label ?? 'model'),
    classes: ca === cb ? ca : `${ca}-to-${cb}`,
    truncation: made.a.truncation,
    seeds: [made.a.seed, made.b.seed],
    scale: s.exportScale,
    extra: `interp-${made.what}-${s.interpFrames.length}f`,
  });
  return `${base}.${ext}`;
}

export function exportStrip(): void {
  const frames = exportFrames();
  if (!frames) return;
  // The strip carries A's record: dropping it back restores where the walk starts. It shows A to B once.
  const s = useStore.getState();
  const once = s.interpPingPong ? frames.slice(0, s.interpFrames.length) : frames;
  downloadBlob(pngBlob(tileImages(once, once.length, 0), s.interpMadeFor!.a), walkName('png'));
}

async function encodeJob(
  kind: string,
  ext: string,
  type: string,
  encode: (
    f: RgbImage[],
    onFrame: (d: number, t: number) => void,
    signal: AbortSignal,
  ) => Promise<Uint8Array<ArrayBuffer>>,
): Promise<void> {
  const frames = exportFrames();
  if (!frames) return;
  cancelJob();
  const abort = new AbortController();
  job = { id: null, abort };
  useStore.setState({ interpStatus: 'encoding', interpError: null });
  progress({ label: `Encoding ${kind}`, done: 0, total: frames.length });
  try {
    const bytes = await encode(
      frames,
      (done, total) => progress({ label: `Encoding ${kind}`, done, total }),
      abort.signal,
    );
    downloadBlob(new Blob([bytes], { type }), walkName(ext));
  } catch (e) {
    if (e instanceof CancelledError) notify('info', `${kind} export cancelled.`);
    else useStore.setState({ interpError: `Could not make the ${kind}: ${errorText(e)}` });
  } finally {
    if (job?.abort === abort) job = null;
    useStore.setState({ interpStatus: 'done', interpProgress: null });
  }
}

export function exportGif(): Promise<void> {
  const ms = Math.round(1000 / useStore.getState().interpFps);
  return encodeJob('GIF', 'gif', 'image/gif', (f, on, sig) => encodeGifAsync(f, ms, on, sig));
}

export function exportWebm(): Promise<void> {
  const codec = useStore.getState().videoCodec;
  if (!codec) return Promise.resolve();
  const fps = useStore.getState().interpFps;
  return encodeJob('WebM video', 'webm', 'video/webm', (f, on, sig) => encodeWebm(f, fps, codec, on, sig));
}
