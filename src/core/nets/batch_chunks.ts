/**
 * Large batches in pieces. A batch runs through the network at once only while its biggest
 * activation stays under ACTIVATION_BUDGET floats; beyond that it is cut into sub-batches run one
 * after the other. On the wasm backend the heap is one 32-bit address space that never shrinks:
 * biggan-deep-512 at batch 8 needs 1 GB per full-resolution tensor and crashed the backend
 * ("memory access out of bounds" past ~3 GB of heap); per image it stays near 1.2 GB.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../config/architecture';
import type { GeneratorInputs } from './generator';

/** 32 M floats = 128 MB: the largest single activation a sub-batch may have. */
export const ACTIVATION_BUDGET = 32 * 2 ** 20;

/** Floats in the largest activation of one image (final resolution, widest tensor there). */
export function largestActivation(a: Architecture): number {
  // BigGAN-deep ends with ch channels at full resolution; BigGAN upsamples its 2ch-wide input
  // there for the skip's 1x1 conv.
  return a.resolution * a.resolution * a.channelWidth * (a.family === 'biggan-deep' ? 1 : 2);
}

export function maxSubBatch(a: Architecture): number {
  return Math.max(1, Math.floor(ACTIVATION_BUDGET / largestActivation(a)));
}

/**
 * run(inputs) over sub-batches of at most `size` rows, outputs concatenated along the batch.
 * Disposes what it slices; the inputs stay the caller's.
 */
export function inSubBatches(inputs: GeneratorInputs, size: number, run: (inputs: GeneratorInputs) => tf.Tensor4D): tf.Tensor4D {
  const n = inputs.z.shape[0];
  if (n <= size) return run(inputs);
  const parts: tf.Tensor4D[] = [];
  try {
    for (let first = 0; first < n; first += size) {
      const count = Math.min(size, n - first);
      const rows = (t: tf.Tensor2D) => tf.slice(t, [first, 0], [count, -1]);
      const part = tf.tidy(() =>
        run({
          z: rows(inputs.z),
          classVector: rows(inputs.classVector),
          truncation: inputs.truncation,
          slotZ: inputs.slotZ?.map((s) => (s ? rows(s) : undefined)),
        }),
      );
      parts.push(part);
    }
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}
