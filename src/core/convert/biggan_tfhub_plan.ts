/**
 * Conversion plan for DeepMind's TF Hub BigGAN (`biggan-{128,256,512}/2`) as ivclab converted it
 * to PyTorch (`biggan{128,256,512}-release.pt`). The files carry no config: resolution, z chunk,
 * ch and the attention place are read off the shapes; every eps is the release's 1e-4
 * (docs/reference.md, "BigGAN as DeepMind released it on TF Hub").
 */
import type { BigGanBlock, BigGanTfHubArchitecture } from '../config/architecture';
import { ArchitectureError, ConfigError } from '../errors';
import { ShapeReader, type ConversionPlan, type ShapeMap, type WeightPlan } from './plan';
import { plainWeight, snConv, snLinear, type SnStyle } from './weight_builders';

/** The batch-norm epsilon of every BN in the release. */
export const TFHUB_EPS = 1e-4;
const SN: SnStyle = { kind: 'tfhub' };
const RGB = 3;

const blockKey = (i: number) => (i === 0 ? 'gblock' : `gblock_${i}`);

/** Batch-norm buffers that eval mode never reads (the standing statistics replace them). */
const UNUSED_BN_BUFFERS = ['running_mean', 'running_var', 'num_batches_tracked'];

function inferArchitecture(r: ShapeReader): BigGanTfHubArchitecture {
  const blocks: BigGanBlock[] = [];
  for (let i = 0; r.has(`${blockKey(i)}.conv0.weight_orig`); i++) {
    const [outChannels, inChannels] = r.shape(`${blockKey(i)}.conv0.weight_orig`);
    blocks.push({ inChannels, outChannels, attention: false });
  }
  if (blocks.length === 0) throw new ArchitectureError("No 'gblock.conv0' found: not a TF Hub BigGAN generator.");
  const [gzOut, chunkSize] = r.shape('g_z.g_linear.weight_orig');
  const [numClasses, classEmbedDim] = r.shape('linear.weight');
  const channelWidth = r.dim('conv_2d.weight_orig', 1);
  if (gzOut !== 16 * 16 * channelWidth || blocks[0].inChannels !== 16 * channelWidth) {
    throw new ConfigError(
      `g_z.g_linear writes ${gzOut} values and the first block reads ${blocks[0].inChannels} channels, but a TF Hub ` +
        `BigGAN with conv_2d reading ${channelWidth} channels writes 4*4*16*${channelWidth} and reads 16*${channelWidth}.`,
    );
  }
  const condDim = r.dim(`${blockKey(0)}.hyperbn.gamma.weight_orig`, 1);
  if (condDim !== chunkSize + classEmbedDim) {
    throw new ConfigError(
      `The blocks are conditioned on ${condDim} values, but a z chunk of ${chunkSize} and a class embedding of ` +
        `${classEmbedDim} make ${chunkSize + classEmbedDim}.`,
    );
  }
  if (r.has('attention.gamma')) {
    // The attention sits after the first block whose output is as wide as the attention's input.
    const width = r.dim('attention.theta.weight_orig', 1);
    const at = blocks.findIndex((b) => b.outChannels === width);
    if (at < 0) throw new ArchitectureError(`No block outputs the ${width} channels the attention layer reads.`);
    blocks[at].attention = true;
  }
  return {
    family: 'biggan-tfhub',
    resolution: 4 * 2 ** blocks.length,
    dimZ: chunkSize * (blocks.length + 1),
    chunkSize,
    classEmbedDim,
    numClasses,
    channelWidth,
    blocks,
    eps: TFHUB_EPS,
    nStats: r.dim('scaledcrossreplicabn.standing_means', 0),
  };
}

/** Standing statistics [nStats, C] per truncation row; the training-time buffers are unused. */
function standingStats(
  r: ShapeReader,
  p: string,
  c: number,
  nStats: number,
): { weights: WeightPlan[]; ignored: string[] } {
  return {
    weights: [plainWeight(r, `${p}.standing_means`, [nStats, c]), plainWeight(r, `${p}.standing_vars`, [nStats, c])],
    ignored: UNUSED_BN_BUFFERS.map((b) => `${p}.${b}`).filter((k) => r.has(k)),
  };
}

function hyperBn(r: ShapeReader, p: string, c: number, condDim: number, nStats: number) {
  const stats = standingStats(r, `${p}.crossreplicabn`, c, nStats);
  return {
    weights: [...stats.weights, snLinear(r, `${p}.gamma`, condDim, c, SN), snLinear(r, `${p}.beta`, condDim, c, SN)],
    ignored: stats.ignored,
  };
}

export function planBigGanTfHub(shapes: ShapeMap): ConversionPlan {
  const r = new ShapeReader(shapes, 'TF Hub BigGAN');
  const arch = inferArchitecture(r);
  const condDim = arch.chunkSize + arch.classEmbedDim;
  const ch = arch.channelWidth;
  const weights: WeightPlan[] = [
    // Used as class_vector @ W: [numClasses, embed] as stored.
    plainWeight(r, 'linear.weight', [arch.numClasses, arch.classEmbedDim]),
    // Its output is already NHWC [4, 4, 16ch]: no column reordering.
    snLinear(r, 'g_z.g_linear', arch.chunkSize, 16 * 16 * ch, SN),
    plainWeight(r, 'g_z.g_linear.bias', [16 * 16 * ch]),
  ];
  const ignoredKeys: string[] = [];
  const take = (part: { weights: WeightPlan[]; ignored: string[] }) => {
    weights.push(...part.weights);
    ignoredKeys.push(...part.ignored);
  };
  arch.blocks.forEach((b, i) => {
    const p = blockKey(i);
    take(hyperBn(r, `${p}.hyperbn`, b.inChannels, condDim, arch.nStats));
    weights.push(
      snConv(r, `${p}.conv0`, b.inChannels, b.outChannels, 3, SN),
      plainWeight(r, `${p}.conv0.bias`, [b.outChannels]),
    );
    take(hyperBn(r, `${p}.hyperbn_1`, b.outChannels, condDim, arch.nStats));
    weights.push(
      snConv(r, `${p}.conv1`, b.outChannels, b.outChannels, 3, SN),
      plainWeight(r, `${p}.conv1.bias`, [b.outChannels]),
      snConv(r, `${p}.conv_sc`, b.inChannels, b.outChannels, 1, SN),
      plainWeight(r, `${p}.conv_sc.bias`, [b.outChannels]),
    );
    if (b.attention) {
      const c = b.outChannels;
      const parts: [string, number, number][] = [
        ['theta', c, c / 8],
        ['phi', c, c / 8],
        ['g', c, c / 2],
        ['o_conv', c / 2, c],
      ];
      weights.push(
        ...parts.map(([name, cin, cout]) => snConv(r, `attention.${name}`, cin, cout, 1, SN)),
        plainWeight(r, 'attention.gamma', [1]),
      );
    }
  });
  weights.push(plainWeight(r, 'scaledcrossreplicabn.weight', [ch]), plainWeight(r, 'scaledcrossreplicabn.bias', [ch]));
  take(standingStats(r, 'scaledcrossreplicabn', ch, arch.nStats));
  weights.push(snConv(r, 'conv_2d', ch, RGB, 3, SN), plainWeight(r, 'conv_2d.bias', [RGB]));
  return { architecture: arch, weights, ignoredKeys, notes: [] };
}
