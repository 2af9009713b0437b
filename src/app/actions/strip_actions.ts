/**
 * The truncation strip: the current sample drawn again at several truncations, and at each one the
 * spread (mean per-pixel standard deviation) of a batch of seeds starting at it, so the
 * fidelity/diversity trade shows as pictures and as a curve. It is drawn with ordinary render
 * requests while the grid is idle; a grid render supersedes it in the worker, and it resumes after.
 */
import { CancelledError } from '../../core/errors';
import { sampleSeed } from '../../core/latent/latent_request';
import type { StripState } from '../store/runtime_slice';
import type { AppState } from '../store/store';
import { useStore } from '../store/store';
import { renderSettings } from './render_actions';
import { errorText, notify, worker } from './worker_link';

export const STRIP_TRUNCATIONS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1];

/** Seeds per truncation for the spread: fewer on big models, whose samples cost far more. */
export function spreadSeeds(resolution: number): number {
  return resolution <= 64 ? 8 : 4;
}

/** The seed of the sample the strip shows (the grid's current one). */
export function stripSeed(s: AppState): number {
  return sampleSeed(s.seed, s.current);
}

export function stripKey(s: AppState): string {
  const { truncation: _t, batch: _b, seed: _s, ...rest } = renderSettings(s);
  return JSON.stringify([s.modelInfo?.topology.contentHash, rest, stripSeed(s)], (_k, v: unknown) =>
    v instanceof Float32Array ? Array.from(v) : v,
  );
}

/** Mean over pixels and channels of the standard deviation across samples, in 0..1. */
export function meanPixelSpread(samples: readonly Uint8ClampedArray[]): number {
  const n = samples.length;
  const len = samples[0].length;
  let total = 0;
  let count = 0;
  for (let p = 0; p < len; p++) {
    if (p % 4 === 3) continue; // alpha
    let sum = 0;
    let sq = 0;
    for (const s of samples) {
      const v = s[p] / 255;
      sum += v;
      sq += v * v;
    }
    const mean = sum / n;
    total += Math.sqrt(Math.max(0, sq / n - mean * mean));
    count++;
  }
  return total / count;
}

let running: string | null = null;

/** Draws what the strip lacks for the current settings, when the grid is not drawing. */
export async function refreshStrip(): Promise<void> {
  const s = useStore.getState();
  if (!s.modelInfo || s.rendering) return;
  const key = stripKey(s);
  if (running === key) return;
  const size = s.modelInfo.architecture.resolution;
  const seeds = spreadSeeds(size);
  let strip = s.strip;
  if (!strip || strip.key !== key) {
    strip = {
      key,
      truncations: STRIP_TRUNCATIONS,
      cells: STRIP_TRUNCATIONS.map(() => null),
      spread: STRIP_TRUNCATIONS.map(() => null),
      seeds,
      size,
    };
    useStore.setState({ strip });
  }
  running = key;
  try {
    for (let i = 0; i < STRIP_TRUNCATIONS.length; i++) {
      if (useStore.getState().strip?.spread[i] !== null) continue;
      const now = useStore.getState();
      if (now.rendering || stripKey(now) !== key) return;
      await drawTruncation(now, key, i, seeds);
    }
  } catch (e) {
    if (!(e instanceof CancelledError)) notify('warning', `The truncation strip could not be drawn: ${errorText(e)}`);
  } finally {
    if (running === key) running = null;
  }
}

async function drawTruncation(s: AppState, key: string, i: number, seeds: number): Promise<void> {
  const samples: Uint8ClampedArray[] = [];
  const settings = { ...renderSettings(s), seed: stripSeed(s), truncation: STRIP_TRUNCATIONS[i], batch: seeds };
  const call = worker().request({ type: 'render', settings }, (p) => {
    samples[p.index] = p.rgba;
    if (p.index === 0) update(key, (st) => ({ cells: st.cells.map((c, k) => (k === i ? p.rgba : c)) }));
  });
  await call.promise;
  update(key, (st) => ({ spread: st.spread.map((v, k) => (k === i ? meanPixelSpread(samples) : v)) }));
}

function update(key: string, f: (st: StripState) => Partial<StripState>): void {
  useStore.setState((s) => (s.strip?.key === key ? { strip: { ...s.strip, ...f(s.strip) } } : {}));
}
