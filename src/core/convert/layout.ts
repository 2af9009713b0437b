/**
 * PyTorch (NCHW) layouts to the TensorFlow.js (NHWC) layouts the generators use. Each writes into
 * `out` (a view of the model's one weight buffer) and can divide by a folded spectral-norm sigma on
 * the way, so a weight is touched once. Shapes in comments are [dims] of row-major arrays.
 */

/** Conv kernel [out, in, kh, kw] -> [kh, kw, in, keepOut], keeping the first `keepOut` filters. */
export function convKernelToHwio(
  w: Float32Array,
  shape: number[],
  out: Float32Array,
  keepOut = shape[0],
  divisor = 1,
): void {
  const [, cin, kh, kw] = shape;
  for (let o = 0; o < keepOut; o++) {
    for (let i = 0; i < cin; i++) {
      const src = (o * cin + i) * kh * kw;
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * cin + i) * keepOut + o] = w[src + y * kw + x] / divisor;
        }
      }
    }
  }
}

/** Matrix [rows, cols] -> [cols, rows]: a Linear weight [out, in] becomes [in, out] for x @ W. */
export function transpose2d(w: Float32Array, rows: number, cols: number, out: Float32Array, divisor = 1): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = w[base + c] / divisor;
  }
}

/**
 * Reorders the output features of a Linear whose output is viewed as NCHW [C, H, W] so that the
 * same values come out as NHWC [H, W, C]. `w` is [in, C*H*W] (already transposed), or a bias
 * when `inFeatures` is 1.
 */
export function chwColumnsToHwc(
  w: Float32Array,
  inFeatures: number,
  c: number,
  h: number,
  wd: number,
  out: Float32Array,
): void {
  const outFeatures = c * h * wd;
  for (let r = 0; r < inFeatures; r++) {
    const base = r * outFeatures;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < wd; x++) {
          out[base + (y * wd + x) * c + ch] = w[base + (ch * h + y) * wd + x];
        }
      }
    }
  }
}
