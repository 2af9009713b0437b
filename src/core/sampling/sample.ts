/**
 * Settings in, images out: the one call the page, the worker and the CLI make to draw samples.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyEdits, type DirectionEdit } from '../edit/latent_edits';
import { classVector, repeatRows, type ClassWeight } from '../latent/class_vector';
import { sampleLatents, type Latents, type SlotSetting } from '../latent/latent_request';
import type { TruncationMode } from '../latent/truncation';
import type { Generator } from '../nets/generator';

export interface SampleSettings {
  classes: ClassWeight[];
  truncation: number;
  mode: TruncationMode;
  seed: number;
  batch?: number;
  slots?: (SlotSetting | undefined)[];
  /** Direction edits added to the slots' z after they are drawn. */
  edits?: DirectionEdit[];
}

export interface RawInputs {
  /** [N, zDim] */
  z: Float32Array;
  /** [N, numClasses] */
  classVector: Float32Array;
  batch: number;
  truncation: number;
  slotZ?: (Float32Array | undefined)[];
}

/** `latents` are the drawn ones (what a record stores as z); z and slotZ have the edits added. */
export function inputsFromSettings(generator: Generator, s: SampleSettings): RawInputs & { latents: Latents } {
  const arch = generator.architecture;
  const latents = sampleLatents(arch, {
    seed: s.seed,
    truncation: s.truncation,
    mode: s.mode,
    batch: s.batch,
    slots: s.slots,
  });
  const edited = applyEdits(arch, latents, s.edits ?? []);
  return {
    z: edited.z,
    classVector: repeatRows(classVector(arch.numClasses, s.classes), latents.batch),
    batch: latents.batch,
    truncation: s.truncation,
    slotZ: edited.slotZ,
    latents,
  };
}

/** [N, R, R, 3] in [-1, 1]; the caller owns it. */
export function generateFromInputs(generator: Generator, inputs: RawInputs): tf.Tensor4D {
  const arch = generator.architecture;
  const zDim = inputs.z.length / inputs.batch;
  const tensors = tf.tidy(() => ({
    z: tf.tensor2d(inputs.z, [inputs.batch, zDim]),
    classVector: tf.tensor2d(inputs.classVector, [inputs.batch, arch.numClasses]),
    slotZ: (inputs.slotZ ?? []).map((v) => (v ? tf.tensor2d(v, [inputs.batch, v.length / inputs.batch]) : undefined)),
  }));
  try {
    return generator.generate({ ...tensors, truncation: inputs.truncation });
  } finally {
    tensors.z.dispose();
    tensors.classVector.dispose();
    for (const t of tensors.slotZ) t?.dispose();
  }
}

/** [-1, 1] floats to 0..255 RGB bytes, as (x + 1) * 127.5 rounded and clamped. */
export function toUint8Rgb(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(images, 1), 127.5)), 0, 255), 'int32'));
}
