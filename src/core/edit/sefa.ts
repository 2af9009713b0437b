/**
 * Closed-form semantic directions (Shen and Zhou 2021, "Closed-Form Factorization of Latent
 * Semantics in GANs", SeFa), from the weights alone: no sampling, no download.
 *
 * Every layer that reads a latent slot's z does so through a weight matrix A (out x k over the z
 * part of its input). The directions n that change that layer's output most, ||A n|| for unit n,
 * are the top eigenvectors of A^T A. As in SeFa, each output unit's weights are first scaled to
 * unit norm, so that wide layers and large-gain units do not dominate. For a range of slots the
 * matrices are stacked (A^T A summed) and one direction is shared: BigGAN-deep's slots all read a
 * whole z, and the hierarchical families' slots read equally sized chunks, so an edit adds the same
 * vector to every slot of the range (GANSpace's layer-range edit).
 */
import * as tf from '@tensorflow/tfjs-core';
import { latentSlots, type Architecture } from '../config/architecture';
import { slotSize } from '../latent/latent_request';
import { checkSlotList, type SlotList } from './slot_range';
import { symmetricEigen } from './symmetric_eigen';

/** The z rows of one weight matrix [in, out]: rows start..start+count multiply the slot's z. */
export interface LatentReader {
  weight: string;
  start: number;
}

/** Reads a weight of the loaded model, [in, out] as the generators use it. */
export type WeightLookup = (name: string) => tf.Tensor2D;

export interface DirectionSet {
  slots: SlotList;
  /** Unit vectors of slotSize values, strongest first. */
  vectors: Float32Array[];
  /** Eigenvalues of the stacked A^T A, same order. */
  values: number[];
  /** Wall time of the computation. */
  ms: number;
}

function deepModelIndex(arch: Extract<Architecture, { family: 'biggan-deep' }>, layer: number): number {
  return layer < arch.attentionPosition ? layer : layer + 1;
}

/** The weight matrices that read slot `slot`'s z, and where its rows sit in each. */
export function latentReaders(arch: Architecture, slot: number): LatentReader[] {
  switch (arch.family) {
    case 'biggan-deep': {
      if (slot === 0) return [{ weight: 'generator.gen_z.weight', start: 0 }];
      const p = `generator.layers.${deepModelIndex(arch, slot - 1)}`;
      return [0, 1, 2, 3].flatMap((k) =>
        ['scale', 'offset'].map((w) => ({ weight: `${p}.bn_${k}.${w}.weight`, start: 0 })),
      );
    }
    case 'biggan': {
      if (slot === 0) return [{ weight: 'linear.weight', start: 0 }];
      // Each block's batch norms are conditioned on [shared class embedding, z chunk].
      const p = `blocks.${slot - 1}.0`;
      return ['bn1', 'bn2'].flatMap((bn) =>
        ['gain', 'bias'].map((w) => ({ weight: `${p}.${bn}.${w}.weight`, start: arch.sharedDim })),
      );
    }
    case 'biggan-tfhub': {
      if (slot === 0) return [{ weight: 'g_z.g_linear.weight', start: 0 }];
      // Each block's HyperBNs read [z chunk, class embedding]: the chunk comes first here.
      const p = slot === 1 ? 'gblock' : `gblock_${slot - 1}`;
      return ['hyperbn', 'hyperbn_1'].flatMap((bn) =>
        ['gamma', 'beta'].map((w) => ({ weight: `${p}.${bn}.${w}.weight`, start: 0 })),
      );
    }
  }
}

/** sum over readers of A_n^T A_n, [k, k], with A_n's output units scaled to unit norm. */
function stackedGram(arch: Architecture, weights: WeightLookup, slots: SlotList): tf.Tensor2D {
  const k = slotSize(arch);
  return tf.tidy(() => {
    let gram = tf.zeros([k, k]) as tf.Tensor2D;
    for (const slot of slots) {
      for (const r of latentReaders(arch, slot)) {
        const w = weights(r.weight);
        const a = tf.slice(w, [r.start, 0], [k, -1]); // [k, out]
        const norms = tf.maximum(tf.norm(a, 'euclidean', 0, true), 1e-12);
        const unit = tf.div(a, norms);
        gram = tf.add(gram, tf.matMul(unit, unit, false, true));
      }
    }
    return gram;
  });
}

/** The top `top` directions for a slot range. */
export async function semanticDirections(
  arch: Architecture,
  weights: WeightLookup,
  slots: SlotList,
  top: number,
): Promise<DirectionSet> {
  checkSlotList(slots, latentSlots(arch).length);
  const started = performance.now();
  const k = slotSize(arch);
  const gram = stackedGram(arch, weights, slots);
  const g = Float64Array.from(await gram.data());
  gram.dispose();
  // The float32 sum is symmetric only up to rounding; the solver assumes exact symmetry.
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) g[i * k + j] = g[j * k + i] = (g[i * k + j] + g[j * k + i]) / 2;
  const eig = symmetricEigen(g, k);
  const n = Math.max(1, Math.min(top, k));
  return {
    slots,
    vectors: eig.vectors.slice(0, n).map((v) => Float32Array.from(v)),
    values: eig.values.slice(0, n),
    ms: performance.now() - started,
  };
}
