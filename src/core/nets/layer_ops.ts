/**
 * Tensor operations both generator families are made of, NHWC. Every function is synchronous and
 * meant to run inside the caller's tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightStore } from './weight_store';

/** x [N, in] @ W [in, out] (+ b) -> [N, out]. */
export function linear(x: tf.Tensor2D, w: WeightStore, prefix: string, bias = false): tf.Tensor2D {
  const y = tf.matMul(x, w.get<tf.Tensor2D>(`${prefix}.weight`)) as tf.Tensor2D;
  return bias ? (tf.add(y, w.get(`${prefix}.bias`)) as tf.Tensor2D) : y;
}

/** Same-padded stride-1 convolution, kernel [k, k, in, out]: x [N, H, W, in] -> [N, H, W, out]. */
export function conv(x: tf.Tensor4D, w: WeightStore, prefix: string, bias = true): tf.Tensor4D {
  const filter = w.get<tf.Tensor4D>(`${prefix}.weight`);
  if (!bias) return tf.conv2d(x, filter, 1, 'same');
  return tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias: w.get(`${prefix}.bias`) });
}

/**
 * conv(upsample2x(x)) for a 3x3 same-padded kernel, computed without the upsampled tensor where
 * that is faster. After nearest x2, each output pixel's parity (a, b) sees the input through a
 * 2x2 kernel whose taps are sums of the 3x3 taps (rows {0},{1,2} for a = 0, {0,1},{2} for a = 1;
 * likewise columns), so the layer is four 2x2 convolutions at the input's resolution, 16 instead
 * of 36 multiply-adds per input pixel and channel pair, then interleaved.
 * Measured on wasm: 1.3-1.7x faster with 256-512 channels (1 thread, batch 1), and with 64-128
 * channels, interleave included, 0.55-0.8x the CPU time of the plain path at batch 1 and 8 on 1
 * and 2 threads (conv 64->64 from 64 to 128 px, 128->128 from 32 to 64 px).
 */
export function upsampleConv(
  x: tf.Tensor4D,
  w: WeightStore,
  prefix: string,
  minChannels = PHASE_CONV_MIN_CHANNELS,
): tf.Tensor4D {
  const filter = w.get<tf.Tensor4D>(`${prefix}.weight`);
  const [kh, kw, cin, cout] = filter.shape;
  if (kh !== 3 || kw !== 3 || Math.min(cin, cout) < minChannels) return conv(upsample2x(x), w, prefix);
  const kernels = w.derived<tf.Tensor4D>(`${prefix}.weight#phases`, () => phaseKernels(filter));
  const bias = w.get(`${prefix}.bias`);
  const phases = PHASES.map(([a, b], i) =>
    tf.fused.conv2d({
      x,
      filter: kernels[i],
      strides: 1,
      pad: [[0, 0], a === 0 ? [1, 0] : [0, 1], b === 0 ? [1, 0] : [0, 1], [0, 0]],
      bias,
    }),
  );
  return interleavePhases(phases);
}

/**
 * out[n, 2i + a, 2j + b, c] = phase (a, b)[n, i, j, c], for the phases in PHASES order; disposes
 * them. Two concatenations of views (tfjs's depthToSpace kernel on wasm is an element-by-element
 * loop, ~6x slower here).
 */
function interleavePhases(phases: tf.Tensor4D[]): tf.Tensor4D {
  const [n, h, wd, c] = phases[0].shape;
  // Along columns: [N, H, W, 2, C] is [N, H, 2W, C] with j * 2 + b as the column.
  const rows = [0, 1].map((a) =>
    tf.reshape(
      tf.concat(
        [phases[2 * a], phases[2 * a + 1]].map((p) => tf.reshape(p, [n, h, wd, 1, c])),
        3,
      ),
      [n, h, 1, 2 * wd, c],
    ),
  );
  for (const p of phases) p.dispose();
  // Along rows: [N, H, 2, 2W, C] is [N, 2H, 2W, C] with i * 2 + a as the row.
  return tf.reshape(disposeAll(rows, tf.concat(rows, 2)), [n, 2 * h, 2 * wd, c]);
}

/**
 * Below this many input or output channels upsampleConv keeps the plain upsample + 3x3 conv
 * (GeneratorOptions.phaseConvMinChannels overrides it).
 */
export const PHASE_CONV_MIN_CHANNELS = 64;

const PHASES = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
] as const;

/** The four 2x2 kernels [2, 2, in, out] of a 3x3 kernel [3, 3, in, out] after nearest x2. */
export function phaseKernels(filter: tf.Tensor4D): tf.Tensor4D[] {
  return tf.tidy(() => {
    const taps = (p: number) => (p === 0 ? [[0], [1, 2]] : [[0, 1], [2]]);
    const sum = (t: tf.Tensor4D, axis: 0 | 1, idx: number[]) =>
      tf.addN(
        idx.map((i) =>
          tf.slice(t, axis === 0 ? [i, 0, 0, 0] : [0, i, 0, 0], axis === 0 ? [1, -1, -1, -1] : [-1, 1, -1, -1]),
        ),
      );
    return PHASES.map(([a, b]) => {
      const rows = tf.concat(
        taps(a).map((r) => sum(filter, 0, r)),
        0,
      ) as tf.Tensor4D; // [2, 3, in, out]
      return tf.concat(
        taps(b).map((c) => sum(rows, 1, c)),
        1,
      ) as tf.Tensor4D; // [2, 2, in, out]
    });
  });
}

function disposeAll<U>(ts: tf.Tensor[], y: U): U {
  for (const t of ts) t.dispose();
  return y;
}

/** Nearest-neighbour x2: [N, H, W, C] -> [N, 2H, 2W, C], as F.interpolate(scale_factor=2). */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, wd] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * wd]);
}

/**
 * Batch norm with fixed statistics and a per-sample affine, then ReLU:
 * relu((x - mean) * (gain * rsqrt(var + eps)) + bias), where gain and bias are [N, C] (or [C]).
 * Computed as relu(x * scale + shift) with scale = gain * invStd and shift = bias - mean * scale
 * folded on the small [N, C] tensors: one pass over the activation fewer.
 */
export function normalizeRelu(
  x: tf.Tensor4D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
  gain: tf.Tensor,
  bias: tf.Tensor,
): tf.Tensor4D {
  const c = x.shape[3];
  const s = tf.mul(gain, invStd); // [N|1, C]
  const scale = tf.reshape(s, [-1, 1, 1, c]); // [N|1, 1, 1, C]
  const shift = tf.reshape(tf.sub(bias, tf.mul(mean, s)), [-1, 1, 1, c]); // [N|1, 1, 1, C]
  // Full-size intermediates are freed as soon as they are used (see disposeAfter).
  return disposeAfter(
    (t) => tf.relu(t),
    disposeAfter((t) => tf.add<tf.Tensor4D>(t, shift), tf.mul<tf.Tensor4D>(x, scale)),
  );
}

/** f(t), then t is disposed: keeps only one full-size temporary alive in a chain of ops. */
export function disposeAfter<T extends tf.Tensor, U extends tf.Tensor>(f: (t: T) => U, t: T): U {
  const y = f(t);
  if ((y as tf.Tensor) !== t) t.dispose();
  return y;
}

/** The three convolutions of a BigGAN GBlock, by weight prefix. */
export interface GBlockConvs {
  /** 3x3, after the upsampling. */
  up: string;
  /** 3x3, at the output resolution. */
  second: string;
  /** 1x1, the skip. */
  skip: string;
}

/**
 * BigGAN's GBlock (both releases): bnRelu(0)-up-conv3x3, bnRelu(1)-conv3x3, plus an upsampled
 * 1x1-conv skip. `bnRelu(t, k)` is the family's k-th conditional batch norm with ReLU.
 */
export function gBlock(
  x: tf.Tensor4D,
  w: WeightStore,
  convs: GBlockConvs,
  bnRelu: (t: tf.Tensor4D, k: 0 | 1) => tf.Tensor4D,
  phaseConvMinChannels?: number,
): tf.Tensor4D {
  // Each temporary is disposed once used, so the block holds few full-size tensors at a time.
  let h = disposeAfter((t) => upsampleConv(t, w, convs.up, phaseConvMinChannels), bnRelu(x, 0));
  h = disposeAfter(
    (t) => conv(t, w, convs.second),
    disposeAfter((t) => bnRelu(t, 1), h),
  );
  // The skip's 1x1 conv commutes with nearest upsampling: run it at the input's resolution
  // (a quarter of the multiply-adds, same arithmetic per output value).
  const skip = disposeAfter(upsample2x, conv(x, w, convs.skip));
  return disposeAfter((t) => tf.add(t, skip), h);
}

/** 1 / sqrt(var + eps), the per-channel part of a batch norm with fixed statistics. */
export function inverseStd(variance: tf.Tensor1D, eps: number): tf.Tensor1D {
  return tf.rsqrt(tf.add(variance, eps));
}
