/**
 * Self-attention (Zhang et al. 2019, "Self-Attention GANs"), as BigGAN uses it (Brock et al. 2019,
 * section 3): 1x1 theta/phi/g projections, 2x2 max-pooled keys and values, softmax over keys,
 * output projection scaled by a learned gamma and added to the input. Names are passed in because
 * the two reference implementations call the projections differently.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv } from './layer_ops';
import type { WeightStore } from '../../src/core/nets/weight_store';

export interface AttentionNames {
  theta: string;
  phi: string;
  g: string;
  o: string;
  gamma: string;
}

export function selfAttention(x: tf.Tensor4D, w: WeightStore, names: AttentionNames): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const pool = (t: tf.Tensor4D) => tf.maxPool(t, 2, 2, 'valid');
  const theta = tf.reshape<tf.Rank.R3>(conv(x, w, names.theta, false), [n, h * wd, c / 8]); // [N, HW, C/8]
  const phi = tf.reshape<tf.Rank.R3>(pool(conv(x, w, names.phi, false)), [n, (h * wd) / 4, c / 8]); // [N, HW/4, C/8]
  const g = tf.reshape<tf.Rank.R3>(pool(conv(x, w, names.g, false)), [n, (h * wd) / 4, c / 2]); // [N, HW/4, C/2]
  const beta = tf.softmax(tf.matMul(theta, phi, false, true)); // [N, HW, HW/4]
  const attended = tf.reshape<tf.Rank.R4>(tf.matMul(beta, g), [n, h, wd, c / 2]); // [N, H, W, C/2]
  const o = conv(attended, w, names.o, false); // [N, H, W, C]
  return tf.add(x, tf.mul(w.get(names.gamma), o));
}
