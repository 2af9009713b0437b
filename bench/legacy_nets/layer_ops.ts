/**
 * Tensor operations both generator families are made of, NHWC. Every function is synchronous and
 * meant to run inside the caller's tf.tidy.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightStore } from '../../src/core/nets/weight_store';

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

/** Nearest-neighbour x2: [N, H, W, C] -> [N, 2H, 2W, C], as F.interpolate(scale_factor=2). */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, wd] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * wd]);
}

/**
 * Batch norm with fixed statistics and a per-sample affine, then ReLU:
 * relu((x - mean) * (gain * rsqrt(var + eps)) + bias), where gain and bias are [N, C] (or [C]).
 */
export function normalizeRelu(
  x: tf.Tensor4D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
  gain: tf.Tensor,
  bias: tf.Tensor,
): tf.Tensor4D {
  const c = x.shape[3];
  const scale = tf.reshape(tf.mul(gain, invStd), [-1, 1, 1, c]); // [N|1, 1, 1, C]
  const shift = tf.reshape(bias, [-1, 1, 1, c]); // [N|1, 1, 1, C]
  return tf.relu(tf.add(tf.mul(tf.sub(x, mean), scale), shift));
}

/** 1 / sqrt(var + eps), the per-channel part of a batch norm with fixed statistics. */
export function inverseStd(variance: tf.Tensor1D, eps: number): tf.Tensor1D {
  return tf.rsqrt(tf.add(variance, eps));
}
