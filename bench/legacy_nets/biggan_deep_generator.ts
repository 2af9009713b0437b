/**
 * BigGAN-deep generator (Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural
 * Image Synthesis", appendix B, Fig. 16), computed as huggingface/pytorch-pretrained-BigGAN does
 * (REFERENCE.md, "BigGAN-deep forward"), in NHWC. The whole z and the class embedding condition
 * the first linear layer and every conditional batch norm; the truncation also picks the batch-norm
 * statistics.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BigGanDeepArchitecture, DeepLayer } from '../../src/core/config/architecture';
import { SettingsError } from '../../src/core/errors';
import { blendStatRows, selectStats } from '../../src/core/nets/bn_stats';
import type { Generator, GeneratorInputs } from '../../src/core/nets/generator';
import { conv, inverseStd, linear, normalizeRelu, upsample2x } from './layer_ops';
import { selfAttention } from './self_attention';
import type { WeightStore } from '../../src/core/nets/weight_store';

/** A BN layer's statistic tables, [nStats, C] each, kept on the CPU to blend rows exactly. */
export interface StatTable {
  means: Float32Array;
  vars: Float32Array;
  channels: number;
}

interface FixedStats {
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
}

const layerKey = (m: number) => `generator.layers.${m}`;

export class BigGanDeepGenerator implements Generator {
  private cached: { truncation: number; stats: Map<string, FixedStats> } | null = null;

  constructor(
    readonly architecture: BigGanDeepArchitecture,
    private readonly weights: WeightStore,
    private readonly statTables: ReadonlyMap<string, StatTable>,
  ) {}

  generate({ z, classVector, truncation, slotZ = [] }: GeneratorInputs): tf.Tensor4D {
    if (!(truncation > 0 && truncation <= 1)) {
      throw new SettingsError(`Truncation must be in (0, 1] for BigGAN-deep; got ${truncation}.`);
    }
    const stats = this.statsFor(truncation);
    const a = this.architecture;
    return tf.tidy(() => {
      const w = this.weights;
      const embed = tf.matMul(classVector, w.get<tf.Tensor2D>('embeddings.weight')) as tf.Tensor2D; // [N, E]
      const condFor = (slot: number) => tf.concat<tf.Tensor2D>([slotZ[slot] ?? z, embed], 1); // [N, zDim + E]
      const n = z.shape[0];
      let h = tf.reshape<tf.Rank.R4>(linear(condFor(0), w, 'generator.gen_z', true), [n, 4, 4, 16 * a.channelWidth]); // [N, 4, 4, 16ch]
      let layer = 0;
      for (let m = 0; m < a.layers.length + 1; m++) {
        if (m === a.attentionPosition) {
          const p = layerKey(m);
          h = selfAttention(h, w, {
            theta: `${p}.snconv1x1_theta`,
            phi: `${p}.snconv1x1_phi`,
            g: `${p}.snconv1x1_g`,
            o: `${p}.snconv1x1_o_conv`,
            gamma: `${p}.gamma`,
          });
        } else {
          h = this.genBlock(h, a.layers[layer], layerKey(m), condFor(layer + 1), stats);
          layer++;
        }
      }
      const final = stats.get('generator.bn')!;
      h = normalizeRelu(h, final.mean, final.invStd, w.get('generator.bn.weight'), w.get('generator.bn.bias'));
      return tf.tanh(conv(h, w, 'generator.conv_to_rgb'));
    });
  }

  /** GenBlock: four BN-ReLU-conv steps (1x1, 3x3, 3x3, 1x1) in a bottleneck, plus the skip. */
  private genBlock(x: tf.Tensor4D, l: DeepLayer, p: string, cond: tf.Tensor2D, stats: Map<string, FixedStats>): tf.Tensor4D {
    const w = this.weights;
    const bnRelu = (t: tf.Tensor4D, k: number) => {
      const s = stats.get(`${p}.bn_${k}`)!;
      const gain = tf.add(linear(cond, w, `${p}.bn_${k}.scale`), 1); // [N, C]
      return normalizeRelu(t, s.mean, s.invStd, gain, linear(cond, w, `${p}.bn_${k}.offset`));
    };
    let h = conv(bnRelu(x, 0), w, `${p}.conv_0`);
    h = bnRelu(h, 1);
    if (l.upsample) h = upsample2x(h);
    h = conv(h, w, `${p}.conv_1`);
    h = conv(bnRelu(h, 2), w, `${p}.conv_2`);
    h = conv(bnRelu(h, 3), w, `${p}.conv_3`);
    let skip = l.inChannels === l.outChannels ? x : tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, l.outChannels]);
    if (l.upsample) skip = upsample2x(skip);
    return tf.add(h, skip);
  }

  /** Blended statistics for one truncation, kept until the truncation changes. */
  private statsFor(truncation: number): Map<string, FixedStats> {
    if (this.cached?.truncation === truncation) return this.cached.stats;
    this.disposeStats();
    const sel = selectStats(truncation, this.architecture.nStats);
    const stats = new Map<string, FixedStats>();
    for (const [prefix, table] of this.statTables) {
      const mean = tf.tensor1d(blendStatRows(table.means, table.channels, sel));
      const variance = blendStatRows(table.vars, table.channels, sel);
      stats.set(prefix, { mean, invStd: tf.tidy(() => inverseStd(tf.tensor1d(variance), this.architecture.eps)) });
    }
    this.cached = { truncation, stats };
    return stats;
  }

  private disposeStats(): void {
    for (const s of this.cached?.stats.values() ?? []) {
      s.mean.dispose();
      s.invStd.dispose();
    }
    this.cached = null;
  }

  dispose(): void {
    this.disposeStats();
    this.weights.dispose();
  }
}
