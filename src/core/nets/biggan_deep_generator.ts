/**
 * BigGAN-deep generator (Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural
 * Image Synthesis", appendix B, Fig. 16), computed as huggingface/pytorch-pretrained-BigGAN does
 * (docs/reference.md, "BigGAN-deep forward"), in NHWC. The whole z and the class embedding condition
 * the first linear layer and every conditional batch norm; the truncation also picks the batch-norm
 * statistics.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BigGanDeepArchitecture, DeepLayer } from '../config/architecture';
import { SettingsError } from '../errors';
import { selectStats } from './bn_stats';
import type { Generator, GeneratorInputs, GeneratorOptions } from './generator';
import { conv, disposeAfter, linear, normalizeRelu, upsample2x, upsampleConv } from './layer_ops';
import { selfAttention } from './self_attention';
import { inSubBatches, subBatchSize } from './batch_chunks';
import { TruncationStats, type FixedStats, type StatTable } from './truncation_stats';
import type { WeightStore } from './weight_store';

type Stats = ReadonlyMap<string, FixedStats>;

const layerKey = (m: number) => `generator.layers.${m}`;

export class BigGanDeepGenerator implements Generator {
  private readonly stats: TruncationStats;

  constructor(
    readonly architecture: BigGanDeepArchitecture,
    private readonly weights: WeightStore,
    statTables: ReadonlyMap<string, StatTable>,
    private readonly options: GeneratorOptions = {},
  ) {
    this.stats = new TruncationStats(
      statTables,
      (t) => selectStats(t, architecture.nStats),
      architecture.eps,
      architecture.nStats,
    );
  }

  generate(inputs: GeneratorInputs): tf.Tensor4D {
    const { truncation } = inputs;
    if (!(truncation > 0 && truncation <= 1)) {
      throw new SettingsError(`Truncation must be in (0, 1] for BigGAN-deep; got ${truncation}.`);
    }
    const size = subBatchSize(this.architecture, this.options.maxActivationBytes);
    const stats = this.stats.at(truncation);
    return inSubBatches(inputs, size, (part) => this.forward(part, stats));
  }

  private forward({ z, classVector, slotZ = [] }: GeneratorInputs, stats: Stats): tf.Tensor4D {
    const a = this.architecture;
    return tf.tidy(() => {
      const w = this.weights;
      const embed = tf.matMul(classVector, w.get<tf.Tensor2D>('embeddings.weight')) as tf.Tensor2D; // [N, E]
      const condFor = (slot: number) => tf.concat<tf.Tensor2D>([slotZ[slot] ?? z, embed], 1); // [N, zDim + E]
      const n = z.shape[0];
      let h = tf.reshape<tf.Rank.R4>(linear(condFor(0), w, 'generator.gen_z', true), [n, 4, 4, 16 * a.channelWidth]); // [N, 4, 4, 16ch]
      let layer = 0;
      for (let m = 0; m < a.layers.length + 1; m++) {
        // Each block in its own tidy, freeing its intermediates as soon as it is done: with one
        // tidy around the whole forward the wasm heap held every activation of the network at
        // once (3.2 GB for biggan-deep-128 at batch 8), and fresh memory is slow to touch.
        const x = h;
        if (m === a.attentionPosition) {
          const p = layerKey(m);
          h = tf.tidy(() =>
            selfAttention(x, w, {
              theta: `${p}.snconv1x1_theta`,
              phi: `${p}.snconv1x1_phi`,
              g: `${p}.snconv1x1_g`,
              o: `${p}.snconv1x1_o_conv`,
              gamma: `${p}.gamma`,
            }),
          );
        } else {
          const l = layer;
          h = tf.tidy(() => this.genBlock(x, a.layers[l], layerKey(m), condFor(l + 1), stats));
          layer++;
        }
        x.dispose();
      }
      const final = stats.get('generator.bn')!;
      h = normalizeRelu(h, final.mean, final.invStd, w.get('generator.bn.weight'), w.get('generator.bn.bias'));
      return tf.tanh(conv(h, w, 'generator.conv_to_rgb'));
    });
  }

  /** GenBlock: four BN-ReLU-conv steps (1x1, 3x3, 3x3, 1x1) in a bottleneck, plus the skip. */
  private genBlock(x: tf.Tensor4D, l: DeepLayer, p: string, cond: tf.Tensor2D, stats: Stats): tf.Tensor4D {
    const w = this.weights;
    const bnRelu = (t: tf.Tensor4D, k: number) => {
      const s = stats.get(`${p}.bn_${k}`)!;
      const gain = tf.add(linear(cond, w, `${p}.bn_${k}.scale`), 1); // [N, C]
      return normalizeRelu(t, s.mean, s.invStd, gain, linear(cond, w, `${p}.bn_${k}.offset`));
    };
    // Each temporary is disposed once used, so the block holds few full-size tensors at a time.
    let h = disposeAfter((t) => conv(t, w, `${p}.conv_0`), bnRelu(x, 0));
    h = disposeAfter((t) => bnRelu(t, 1), h);
    h = disposeAfter(
      (t) =>
        l.upsample ? upsampleConv(t, w, `${p}.conv_1`, this.options.phaseConvMinChannels) : conv(t, w, `${p}.conv_1`),
      h,
    );
    h = disposeAfter(
      (t) => conv(t, w, `${p}.conv_2`),
      disposeAfter((t) => bnRelu(t, 2), h),
    );
    h = disposeAfter(
      (t) => conv(t, w, `${p}.conv_3`),
      disposeAfter((t) => bnRelu(t, 3), h),
    );
    let skip = l.inChannels === l.outChannels ? x : tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, l.outChannels]);
    if (l.upsample) skip = skip === x ? upsample2x(skip) : disposeAfter(upsample2x, skip);
    return tf.add(h, skip);
  }

  dispose(): void {
    this.stats.dispose();
    this.weights.dispose();
  }
}
