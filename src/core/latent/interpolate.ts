/**
 * Paths between two samples: spherical interpolation for z (White 2016, "Sampling Generative
 * Networks": Gaussian latents keep their norm along a great circle) and linear for class weights.
 */

/** slerp(a, b, t) over whole vectors; falls back to lerp when a and b are (anti)parallel. */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1)));
  const omega = Math.acos(cos);
  const s = Math.sin(omega);
  if (s < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / s;
  const wb = Math.sin(t * omega) / s;
  return a.map((v, i) => wa * v + wb * b[i]);
}

export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  return a.map((v, i) => v + (b[i] - v) * t);
}

/** `steps` evenly spaced points from 0 to 1, both ends included. */
export function interpolationTimes(steps: number): number[] {
  if (steps < 2) return [0];
  return Array.from({ length: steps }, (_, i) => i / (steps - 1));
}

export type InterpolationTarget = 'z' | 'class' | 'both';
