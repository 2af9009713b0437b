/**
 * Self-attention (Zhang et al. 2019, "Self-Attention GANs"), as BigGAN uses it (Brock et al. 2019,
 * section 3): 1x1 theta/phi/g projections, 2x2 max-pooled keys and values, softmax over keys,
 * output projection scaled by a learned gamma and added to the input. Names are passed in because
 * the two reference implementations call the projections differently.
 *
 * Speed (tfjs-backend-wasm 4.x): its BatchMatMul reaches XNNPACK's GEMM only for one matrix pair
 * without transposes; a batch dimension above 1 or a transposed operand falls back to a scalar
 * loop (theta phi^T at 64x64 took ~0.16 s for 0.13 GMAC). So the two products run per sample, on
 * 2-D matrices, with phi transposed explicitly (a small [HW/4, C/8] copy).
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv, disposeAfter } from './layer_ops';
import type { WeightStore } from './weight_store';

export interface AttentionNames {
  theta: string;
  phi: string;
  g: string;
  o: string;
  gamma: string;
}

export function selfAttention(x: tf.Tensor4D, w: WeightStore, names: AttentionNames): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const hw = h * wd;
  const pool = (t: tf.Tensor4D) => tf.maxPool(t, 2, 2, 'valid');
  const theta = tf.reshape<tf.Rank.R3>(conv(x, w, names.theta, false), [n, hw, c / 8]); // [N, HW, C/8]
  const phi = tf.reshape<tf.Rank.R3>(pool(conv(x, w, names.phi, false)), [n, hw / 4, c / 8]); // [N, HW/4, C/8]
  const g = tf.reshape<tf.Rank.R3>(pool(conv(x, w, names.g, false)), [n, hw / 4, c / 2]); // [N, HW/4, C/2]
  /** Sample i of [N, rows, cols] as a [rows, cols] matrix. */
  const sample = (t: tf.Tensor3D, i: number): tf.Tensor2D =>
    tf.reshape<tf.Rank.R2>(n === 1 ? t : tf.slice(t, [i, 0, 0], [1, -1, -1]), [t.shape[1], t.shape[2]]);
  const attended: tf.Tensor2D[] = [];
  for (let i = 0; i < n; i++) {
    const phiT = tf.transpose(sample(phi, i)); // [C/8, HW/4]
    const beta = disposeAfter(tf.softmax, tf.matMul(sample(theta, i), phiT)); // [HW, HW/4]
    attended.push(disposeAfter((b) => tf.matMul(b, sample(g, i)), beta)); // [HW, C/2]
  }
  const joined = n === 1 ? attended[0] : tf.concat(attended, 0); // [N*HW, C/2]
  const o = conv(tf.reshape<tf.Rank.R4>(joined, [n, h, wd, c / 2]), w, names.o, false); // [N, H, W, C]
  return tf.add(x, tf.mul(w.get(names.gamma), o));
}
