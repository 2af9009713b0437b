/**
 * Per-truncation batch-norm statistics. Each BN layer stores rows of means and variances; the
 * truncation picks or blends two of them.
 * - BigGAN-deep (TF Hub's BigGAN-deep modules, as ported by huggingface/pytorch-pretrained-BigGAN):
 *   `n_stats` rows for t = 0, 1/(n-1), ..., 1. We reproduce the reference's arithmetic exactly,
 *   quirks included (docs/reference.md, "Which stats, exactly").
 * - TF Hub BigGAN: row i holds t = (i + 1) / rows, blended linearly in between (docs/reference.md,
 *   "Standing statistics"; without ivclab's off-by-one lookup).
 */
import { SettingsError } from '../errors';

export interface StatSelection {
  index: number;
  /** Weight of row `index`; row `index + 1` gets 1 - coef. Zero means row `index` alone. */
  coef: number;
}

export function selectStats(truncation: number, nStats: number): StatSelection {
  const step = 1 / (nStats - 1);
  const q = truncation / step;
  const index = Math.trunc(q);
  return { index, coef: q - index };
}

/** Distance below which t counts as sitting on a row of the standing-statistics grid. */
const ON_GRID = 1e-9;

/**
 * TF Hub BigGAN's standing statistics: row i holds t = (i + 1) / rows. On a grid point that row
 * alone; between two, the upper row weighted by how far t is past the lower one. Expressed as a
 * StatSelection (coef weights the lower row), so blendStatRows serves both families.
 */
export function selectStandingStats(truncation: number, rows: number): StatSelection {
  const q = truncation * rows; // 1-based row position
  const nearest = Math.round(q);
  if (Math.abs(q - nearest) < ON_GRID * rows && nearest >= 1 && nearest <= rows) return { index: nearest - 1, coef: 0 };
  if (!(q > 1 && q < rows)) {
    throw new SettingsError(
      `Truncation ${truncation} is outside this model's standing statistics, which cover ${1 / rows} to 1.`,
    );
  }
  const lower = Math.floor(q);
  return { index: lower - 1, coef: 1 - (q - lower) };
}

/**
 * The blended row, computed as the reference does: float32 products with the coefficients
 * rounded to float32. Note the weight on the lower row is `coef`, the reverse of a usual lerp.
 */
export function blendStatRows(table: Float32Array, channels: number, sel: StatSelection): Float32Array {
  const lower = table.subarray(sel.index * channels, (sel.index + 1) * channels);
  if (sel.coef === 0) return lower.slice();
  const upper = table.subarray((sel.index + 1) * channels, (sel.index + 2) * channels);
  const a = Math.fround(sel.coef);
  const b = Math.fround(1 - sel.coef);
  const out = new Float32Array(channels);
  for (let c = 0; c < channels; c++) out[c] = Math.fround(lower[c] * a) + Math.fround(upper[c] * b);
  return out;
}
