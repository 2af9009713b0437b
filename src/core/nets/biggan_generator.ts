/**
 * The original BigGAN generator with hierarchical latents (Brock et al. 2019, section 3 and
 * appendix B, Fig. 15), computed as ajbrock/BigGAN-PyTorch does (docs/reference.md, "BigGAN
 * (hierarchical latent)"), in NHWC. z is split into one chunk per block plus one for the first
 * linear layer; each block is conditioned on [shared class embedding, its chunk].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BigGanArchitecture } from '../config/architecture';
import type { Generator, GeneratorInputs, GeneratorOptions } from './generator';
import { conv, gBlock, inverseStd, linear, normalizeRelu } from './layer_ops';
import { selfAttention } from './self_attention';
import { inSubBatches, subBatchSize } from './batch_chunks';
import type { WeightStore } from './weight_store';

interface FixedStats {
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
}

export class BigGanGenerator implements Generator {
  /** Stored statistics never change, so 1/sqrt(var + eps) is computed once. */
  private readonly stats = new Map<string, FixedStats>();

  constructor(
    readonly architecture: BigGanArchitecture,
    private readonly weights: WeightStore,
    private readonly options: GeneratorOptions = {},
  ) {
    const prefixes = [
      ...architecture.blocks.flatMap((_, i) => [`blocks.${i}.0.bn1`, `blocks.${i}.0.bn2`]),
      'output_layer.0',
    ];
    for (const p of prefixes) {
      this.stats.set(p, {
        mean: weights.get<tf.Tensor1D>(`${p}.stored_mean`),
        invStd: tf.tidy(() => inverseStd(weights.get<tf.Tensor1D>(`${p}.stored_var`), architecture.bnEps)),
      });
    }
  }

  generate(inputs: GeneratorInputs): tf.Tensor4D {
    return inSubBatches(inputs, subBatchSize(this.architecture, this.options.maxActivationBytes), (part) =>
      this.forward(part),
    );
  }

  private forward({ z, classVector, slotZ = [] }: GeneratorInputs): tf.Tensor4D {
    const a = this.architecture;
    return tf.tidy(() => {
      const w = this.weights;
      const n = z.shape[0];
      const chunks = tf.split<tf.Tensor2D>(z, a.blocks.length + 1, 1).map((c, i) => slotZ[i] ?? c); // each [N, chunk]
      const yEmb = tf.matMul(classVector, w.get<tf.Tensor2D>('shared.weight')) as tf.Tensor2D; // [N, sharedDim]
      const c0 = a.blocks[0].inChannels;
      let h = tf.reshape<tf.Rank.R4>(linear(chunks[0], w, 'linear', true), [n, a.bottomWidth, a.bottomWidth, c0]); // [N, w, w, C0]
      // Each block in its own tidy, so its intermediates are freed before the next one runs.
      const step = (f: (x: tf.Tensor4D) => tf.Tensor4D) => {
        const x = h;
        h = tf.tidy(() => f(x));
        x.dispose();
      };
      a.blocks.forEach((b, i) => {
        step((x) => this.block(x, i, tf.concat<tf.Tensor2D>([yEmb, chunks[i + 1]], 1)));
        if (b.attention) {
          const p = `blocks.${i}.1`;
          step((x) =>
            selfAttention(x, w, {
              theta: `${p}.theta`,
              phi: `${p}.phi`,
              g: `${p}.g`,
              o: `${p}.o`,
              gamma: `${p}.gamma`,
            }),
          );
        }
      });
      const s = this.stats.get('output_layer.0')!;
      h = normalizeRelu(h, s.mean, s.invStd, w.get('output_layer.0.gain'), w.get('output_layer.0.bias'));
      return tf.tanh(conv(h, w, 'output_layer.2'));
    });
  }

  /** GBlock conditioned on [class embedding, z chunk] through its ccbn layers. */
  private block(x: tf.Tensor4D, i: number, cond: tf.Tensor2D): tf.Tensor4D {
    const w = this.weights;
    const p = `blocks.${i}.0`;
    const ccbnRelu = (t: tf.Tensor4D, k: 0 | 1) => {
      const bn = `${p}.bn${k + 1}`;
      const s = this.stats.get(bn)!;
      const gain = tf.add(linear(cond, w, `${bn}.gain`), 1); // [N, C]
      return normalizeRelu(t, s.mean, s.invStd, gain, linear(cond, w, `${bn}.bias`));
    };
    const convs = { up: `${p}.conv1`, second: `${p}.conv2`, skip: `${p}.conv_sc` };
    return gBlock(x, w, convs, ccbnRelu, this.options.phaseConvMinChannels);
  }

  dispose(): void {
    for (const s of this.stats.values()) s.invStd.dispose();
    this.weights.dispose();
  }
}
