/**
 * Large batches in pieces. A batch runs through the network at once only while its largest
 * activation fits the backend's limit on one tensor; beyond that it is cut into sub-batches run
 * one after the other.
 * - wasm: the heap is one 32-bit address space that never shrinks: biggan-deep-512 at batch 8
 *   needs 1 GB per full-resolution tensor and crashed the backend ("memory access out of bounds"
 *   past ~3 GB of heap); per image it stays near 1.2 GB. 128 MiB per activation keeps it there.
 * - webgpu: every tensor is one storage buffer, so none may exceed the device's
 *   maxStorageBufferBindingSize or maxBufferSize (128 and 256 MiB where a device grants only the
 *   defaults). biggan-deep-512's widest activation is 128 MiB per image: batch 1 fits exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import type { GeneratorInputs } from './generator';

/** 128 MiB: the wasm heap's budget per activation, and WebGPU's default binding limit. */
export const DEFAULT_ACTIVATION_LIMIT = 128 * 2 ** 20;

const BYTES_PER_FLOAT = 4;

interface WebGpuLimitsLike {
  device?: { limits?: { maxStorageBufferBindingSize?: number; maxBufferSize?: number } };
}

/** Bytes one activation may take; `hard` when exceeding them fails (a GPU buffer limit). */
export interface ActivationLimit {
  bytes: number;
  hard: boolean;
}

/** The limit on `backend`: a WebGPU device's own buffer limits, else the wasm heap's budget. */
export function activationLimit(backend: tf.KernelBackend = tf.backend()): ActivationLimit {
  const limits = (backend as unknown as WebGpuLimitsLike).device?.limits;
  if (!limits?.maxStorageBufferBindingSize || !limits.maxBufferSize)
    return { bytes: DEFAULT_ACTIVATION_LIMIT, hard: false };
  return { bytes: Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize), hard: true };
}

/** Self-attention's widest tensor at side s: the [s^2, s^2/4] attention map. */
const attentionMap = (side: number) => (side * side * side * side) / 4;

/**
 * Floats in the widest tensor one image makes on its way through the network, walked from the
 * architecture: every block's input, its upsampled intermediates and its output, the attention map,
 * and the final feature map before the rgb conv.
 */
export function largestActivation(a: Architecture): number {
  let widest = 0;
  const see = (side: number, channels: number) => {
    widest = Math.max(widest, side * side * channels);
  };
  if (a.family === 'biggan-deep') {
    let side = 4;
    see(side, 16 * a.channelWidth);
    for (let m = 0, layer = 0; m < a.layers.length + 1; m++) {
      if (m === a.attentionPosition) {
        widest = Math.max(widest, attentionMap(side));
        continue;
      }
      const l = a.layers[layer++];
      // The bottleneck is a quarter of the input width; upsampling happens inside it and on the
      // skip (sliced to the output width first).
      const outSide = l.upsample ? 2 * side : side;
      see(side, l.inChannels);
      see(outSide, Math.max(l.inChannels / 4, l.outChannels));
      side = outSide;
    }
    return widest;
  }
  // Both hierarchical layouts: each block upsamples its input, then two 3x3 convs and a 1x1 skip.
  let side = a.family === 'biggan' ? a.bottomWidth : 4;
  see(side, a.blocks[0].inChannels);
  for (const b of a.blocks) {
    // Unless phase-split, the first conv reads the upsampled input at its full width.
    see(2 * side, Math.max(b.inChannels, b.outChannels));
    side *= 2;
    if (b.attention) widest = Math.max(widest, attentionMap(side));
  }
  return widest;
}

/**
 * The most images one sub-batch may hold under `limit` (at least 1). Throws a SettingsError when
 * one image already exceeds a hard limit: no split of the batch helps then.
 */
export function maxSubBatch(a: Architecture, limit: ActivationLimit): number {
  const perImage = largestActivation(a) * BYTES_PER_FLOAT;
  if (perImage > limit.bytes && limit.hard) {
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    throw new SettingsError(
      `This ${a.resolution} px model needs ${mib(perImage)} for one image's largest activation, but the GPU ` +
        `allows ${mib(limit.bytes)} per buffer. Use a GPU with higher limits, or the wasm backend.`,
    );
  }
  return Math.max(1, Math.floor(limit.bytes / perImage));
}

/** Sub-batch size for `a`: under maxActivationBytes if given (a hard limit), else the backend's. */
export function subBatchSize(a: Architecture, maxActivationBytes?: number): number {
  return maxSubBatch(
    a,
    maxActivationBytes === undefined ? activationLimit() : { bytes: maxActivationBytes, hard: true },
  );
}

/**
 * run(inputs) over sub-batches of at most `size` rows, outputs concatenated along the batch.
 * Disposes what it slices; the inputs stay the caller's.
 */
export function inSubBatches(
  inputs: GeneratorInputs,
  size: number,
  run: (inputs: GeneratorInputs) => tf.Tensor4D,
): tf.Tensor4D {
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
