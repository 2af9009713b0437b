/**
 * The two truncation conventions users meet (Brock et al. 2019, section 3.1, "truncation trick"):
 * - 'scaled': z = t * truncnorm(-2, 2), as TF Hub's colab and the BigGAN-deep port do; for
 *   BigGAN-deep and the TF Hub BigGAN, t also picks the batch-norm statistics (in both modes). The
 *   released models' published samples use this, so it is the default.
 * - 'threshold': every component with |z_i| > t is resampled, as in the paper and BigGAN-PyTorch.
 */
import { SettingsError } from '../errors';
import type { Rng } from './rng';

export type TruncationMode = 'scaled' | 'threshold';
export const TRUNCATION_MODES: readonly TruncationMode[] = ['scaled', 'threshold'];
export const DEFAULT_TRUNCATION_MODE: TruncationMode = 'scaled';
export const MIN_TRUNCATION = 0.02;
export const MAX_TRUNCATION = 1;

export function checkTruncation(t: number): void {
  if (!(t >= MIN_TRUNCATION && t <= MAX_TRUNCATION)) {
    throw new SettingsError(`Truncation must be between ${MIN_TRUNCATION} and ${MAX_TRUNCATION}; got ${t}.`);
  }
}

/** A standard normal resampled until |x| <= bound. */
function boundedNormal(rng: Rng, bound: number): number {
  for (;;) {
    const x = rng.normal();
    if (Math.abs(x) <= bound) return x;
  }
}

/** Fills `out` with truncated latent values. */
export function sampleTruncated(rng: Rng, out: Float32Array, truncation: number, mode: TruncationMode): void {
  checkTruncation(truncation);
  for (let i = 0; i < out.length; i++) {
    out[i] = mode === 'scaled' ? truncation * boundedNormal(rng, 2) : boundedNormal(rng, truncation);
  }
}
