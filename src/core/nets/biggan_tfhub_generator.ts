/**
 * The original BigGAN generator (Brock et al. 2019, appendix B, Fig. 15) as DeepMind released it
 * on TF Hub (`biggan-{128,256,512}/2`), computed as ivclab's PyTorch conversion does (docs/reference.md,
 * "BigGAN as DeepMind released it on TF Hub"), in NHWC. z is split into one chunk per block plus
 * one for the first linear layer; each block is conditioned on [its chunk, class embedding] (chunk
 * first, unlike BigGAN-PyTorch), and every batch norm uses the standing statistics recorded for the
 * truncation.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BigGanTfHubArchitecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { inSubBatches, subBatchSize } from './batch_chunks';
import { selectStandingStats } from './bn_stats';
import type { Generator, GeneratorInputs, GeneratorOptions } from './generator';
import { conv, gBlock, linear, normalizeRelu } from './layer_ops';
import { selfAttention } from './self_attention';
import { TruncationStats, type FixedStats, type StatTable } from './truncation_stats';
import type { WeightStore } from './weight_store';

type Stats = ReadonlyMap<string, FixedStats>;

const blockKey = (i: number) => (i === 0 ? 'gblock' : `gblock_${i}`);

export class BigGanTfHubGenerator implements Generator {
  private readonly stats: TruncationStats;

  constructor(
    readonly architecture: BigGanTfHubArchitecture,
    private readonly weights: WeightStore,
    statTables: ReadonlyMap<string, StatTable>,
    private readonly options: GeneratorOptions = {},
  ) {
    const bns = [
      ...architecture.blocks
        .flatMap((_, i) => [`${blockKey(i)}.hyperbn`, `${blockKey(i)}.hyperbn_1`])
        .map((p) => `${p}.crossreplicabn`),
      'scaledcrossreplicabn',
    ];
    this.stats = new TruncationStats(
      statTables,
      (t) => selectStandingStats(t, architecture.nStats),
      architecture.eps,
      architecture.nStats,
      bns,
    );
  }

  generate(inputs: GeneratorInputs): tf.Tensor4D {
    const { truncation } = inputs;
    if (!(truncation > 0 && truncation <= 1)) {
      throw new SettingsError(`Truncation must be in (0, 1] for the TF Hub BigGAN; got ${truncation}.`);
    }
    const size = subBatchSize(this.architecture, this.options.maxActivationBytes);
    const stats = this.stats.at(truncation);
    return inSubBatches(inputs, size, (part) => this.forward(part, stats));
  }

  private forward({ z, classVector, slotZ = [] }: GeneratorInputs, stats: Stats): tf.Tensor4D {
    const a = this.architecture;
    return tf.tidy(() => {
      const w = this.weights;
      const n = z.shape[0];
      const chunks = tf.split<tf.Tensor2D>(z, a.blocks.length + 1, 1).map((c, i) => slotZ[i] ?? c); // each [N, chunk]
      const embed = tf.matMul(classVector, w.get<tf.Tensor2D>('linear.weight')) as tf.Tensor2D; // [N, E]
      let h = tf.reshape<tf.Rank.R4>(linear(chunks[0], w, 'g_z.g_linear', true), [n, 4, 4, 16 * a.channelWidth]); // [N, 4, 4, 16ch]
      // Each block in its own tidy, so its intermediates are freed before the next one runs.
      const step = (f: (x: tf.Tensor4D) => tf.Tensor4D) => {
        const x = h;
        h = tf.tidy(() => f(x));
        x.dispose();
      };
      a.blocks.forEach((b, i) => {
        step((x) => this.block(x, blockKey(i), tf.concat<tf.Tensor2D>([chunks[i + 1], embed], 1), stats));
        if (b.attention) {
          step((x) =>
            selfAttention(x, w, {
              theta: 'attention.theta',
              phi: 'attention.phi',
              g: 'attention.g',
              o: 'attention.o_conv',
              gamma: 'attention.gamma',
            }),
          );
        }
      });
      const s = stats.get('scaledcrossreplicabn')!;
      h = normalizeRelu(h, s.mean, s.invStd, w.get('scaledcrossreplicabn.weight'), w.get('scaledcrossreplicabn.bias'));
      return tf.tanh(conv(h, w, 'conv_2d'));
    });
  }

  /** GBlock conditioned on [z chunk, class embedding] through its HyperBN layers. */
  private block(x: tf.Tensor4D, p: string, cond: tf.Tensor2D, stats: Stats): tf.Tensor4D {
    const w = this.weights;
    const hyperBnRelu = (t: tf.Tensor4D, k: 0 | 1) => {
      const bn = `${p}.${k === 0 ? 'hyperbn' : 'hyperbn_1'}`;
      const s = stats.get(`${bn}.crossreplicabn`)!;
      const gain = tf.add(linear(cond, w, `${bn}.gamma`), 1); // [N, C]
      return normalizeRelu(t, s.mean, s.invStd, gain, linear(cond, w, `${bn}.beta`));
    };
    const convs = { up: `${p}.conv0`, second: `${p}.conv1`, skip: `${p}.conv_sc` };
    return gBlock(x, w, convs, hyperBnRelu, this.options.phaseConvMinChannels);
  }

  dispose(): void {
    this.stats.dispose();
    this.weights.dispose();
  }
}
