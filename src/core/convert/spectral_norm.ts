/**
 * Folding spectral normalisation (Miyato et al. 2018) into plain weights at import time.
 *
 * Both reference implementations store the un-normalised weight plus power-iteration vectors and
 * divide by sigma on every forward. In eval mode sigma depends only on stored tensors, so we
 * compute it once here (see docs/reference.md, "Spectral norm"). The sums are float32, accumulated in
 * order, as the reference's float32 matrix-vector products are: for BigGAN-deep this gives the
 * reference's sigma bit for bit, where a double-precision sum differs by up to 1.2e-6 relative.
 */

const f32 = Math.fround;

/** W[rows, cols] times v[cols] -> [rows], float32 in order. */
function matVec(w: Float32Array, rows: number, cols: number, v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc = f32(acc + f32(w[base + c] * v[c]));
    out[r] = acc;
  }
  return out;
}

/** u[rows] times W[rows, cols] -> [cols], float32 in order. */
function vecMat(u: ArrayLike<number>, w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const ur = u[r];
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c] = f32(out[c] + f32(ur * w[base + c]));
  }
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc = f32(acc + f32(a[i] * b[i]));
  return acc;
}

/** x / max(||x||, eps), as F.normalize. */
function normalize(x: Float32Array, eps: number): Float32Array {
  const d = Math.max(f32(Math.sqrt(dot(x, x))), eps);
  return x.map((v) => v / d);
}

/**
 * torch.nn.utils.spectral_norm in eval mode (BigGAN-deep): sigma = u . (W v), no power step.
 * `weight` is [out, ...] viewed as [out, rest].
 */
export function sigmaTorchEval(weight: Float32Array, out: number, u: Float32Array, v: Float32Array): number {
  return dot(u, matVec(weight, out, weight.length / out, v));
}

/**
 * sigmaTorchEval over the matrix TF Hub's spectral norm was taken over: a conv kernel
 * [out, in, kh, kw] flattened per output in TF's [kh, kw, in] order (TF kernels are
 * [kh, kw, in, out]), so its stored v fits that order. Read in place, without a reordered copy of a
 * kernel that may be 85 MB; the float32 sums run in the flattened order, as over a copy.
 */
export function sigmaTfOrderEval(
  weight: Float32Array,
  shape: readonly number[],
  u: Float32Array,
  v: Float32Array,
): number {
  if (shape.length !== 4) return sigmaTorchEval(weight, shape[0], u, v);
  const [out, cin, kh, kw] = shape;
  const taps = kh * kw;
  const wv = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let acc = 0;
    for (let t = 0; t < taps; t++) {
      const base = o * cin * taps + t;
      for (let i = 0; i < cin; i++) acc = f32(acc + f32(weight[base + i * taps] * v[t * cin + i]));
    }
    wv[o] = acc;
  }
  return dot(u, wv);
}

/**
 * BigGAN-PyTorch's own SN, which takes one power step on every forward, eval included:
 * v = normalize(u0 W), u = normalize(v W^T), sigma = v W^T u^T.
 */
export function sigmaBigGanPowerStep(weight: Float32Array, out: number, u0: Float32Array, eps: number): number {
  const cols = weight.length / out;
  const v = normalize(vecMat(u0, weight, out, cols), eps);
  const wv = matVec(weight, out, cols, v);
  return dot(wv, normalize(wv, eps));
}

/** The float32 sigma a weight is divided by; W / sigma is then rounded to float32, as the reference's is. */
export function foldedDivisor(sigma: number): number {
  return f32(sigma);
}
