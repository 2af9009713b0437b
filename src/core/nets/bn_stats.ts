/**
 * BigGAN-deep's per-truncation batch-norm statistics (TF Hub's BigGAN-deep modules, as ported by
 * huggingface/pytorch-pretrained-BigGAN). Each BN layer stores `n_stats` rows of means and
 * variances; the truncation picks or blends two of them. We reproduce the reference's arithmetic
 * exactly, quirks included (REFERENCE.md, "Which stats, exactly").
 */

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
