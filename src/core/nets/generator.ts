/** What every generator offers, whatever its family. */
import type * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../config/architecture';

export interface GeneratorInputs {
  /** [N, zDim]: the latent, already truncated. */
  z: tf.Tensor2D;
  /** [N, numClasses]: class weights (one-hot, or a blend). */
  classVector: tf.Tensor2D;
  /** BigGAN-deep and the TF Hub release select batch-norm statistics with it; BigGAN-PyTorch ignores it. In (0, 1]. */
  truncation: number;
  /**
   * Per-slot latents replacing the part of z that slot would read (see latentSlots()):
   * BigGAN: [N, chunkSize] for that chunk; BigGAN-deep: [N, zDim], a whole z for that layer.
   * Missing or undefined entries use z.
   */
  slotZ?: (tf.Tensor2D | undefined)[];
}

/**
 * Thresholds of the generators' fast paths. Defaults suit the released models; tests set them to
 * force a path on the narrow fixture models.
 */
export interface GeneratorOptions {
  /**
   * Bytes the largest activation of one sub-batch may take. Default: what the active backend
   * allows in one tensor (activationLimit in batch_chunks.ts).
   */
  maxActivationBytes?: number;
  /** Upsampling 3x3 convs with at least this many input and output channels run as four 2x2 phase convs. */
  phaseConvMinChannels?: number;
}

export interface Generator {
  readonly architecture: Architecture;
  /** [N, R, R, 3] in [-1, 1]. The caller owns the result; inputs are not disposed. */
  generate(inputs: GeneratorInputs): tf.Tensor4D;
  dispose(): void;
}
