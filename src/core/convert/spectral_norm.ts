/**
 * Folding spectral normalisation (Miyato et al. 2018) into plain weights at import time.
 *
 * Both reference implementations store the un-normalised weight plus power-iteration vectors and
 * divide by sigma on every forward. In eval mode sigma depends only on stored tensors, so we
 * compute it once here (see REFERENCE.md, "Spectral norm"). Sums run in double precision; the
 * division is rounded to float32 as the reference's float32 division is.
 */

/** W[out, rest] times v[rest] -> [out], in double precision. */
function matVec(w: Float32Array, rows: number, cols: number, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc += w[base + c] * v[c];
    out[r] = acc;
  }
  return out;
}

/** u[rows] times W[rows, cols] -> [cols], in double precision. */
function vecMat(u: ArrayLike<number>, w: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const ur = u[r];
    if (ur === 0) continue;
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c] += ur * w[base + c];
  }
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += a[i] * b[i];
  return acc;
}

function normalize(x: Float64Array, eps: number): Float64Array {
  const norm = Math.sqrt(dot(x, x));
  const d = Math.max(norm, eps);
  return x.map((v) => v / d);
}

function divide(w: Float32Array, sigma: number): Float32Array {
  const s = Math.fround(sigma);
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i] / s;
  return out;
}

/**
 * torch.nn.utils.spectral_norm in eval mode (BigGAN-deep): sigma = u . (W v), no power step.
 * `weight` is [out, ...] viewed as [out, rows*...].
 */
export function sigmaTorchEval(weight: Float32Array, out: number, u: Float32Array, v: Float32Array): number {
  return dot(u, matVec(weight, out, weight.length / out, v));
}

/**
 * BigGAN-PyTorch's own SN, which takes one power step on every forward, eval included:
 * v = normalize(u0 W), u = normalize(v W^T), sigma = v W^T u^T.
 */
export function sigmaBigGanPowerStep(weight: Float32Array, out: number, u0: Float32Array, eps: number): number {
  const cols = weight.length / out;
  const v = normalize(vecMat(u0, weight, out, cols), eps);
  const wv = matVec(weight, out, cols, v);
  const u = normalize(wv, eps);
  return dot(wv, u);
}

export function foldSigma(weight: Float32Array, sigma: number): Float32Array {
  return divide(weight, sigma);
}
