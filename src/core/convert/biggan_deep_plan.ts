/**
 * Conversion plan for BigGAN-deep checkpoints (huggingface/pytorch-pretrained-BigGAN layout).
 * The architecture is read off the tensor shapes; a config.json, when given, must agree with it.
 */
import type { BigGanDeepArchitecture, DeepLayer } from '../config/architecture';
import {
  checkDeepConfigMatches,
  deepArchitectureFromConfig,
  DEEP_DEFAULT_EPS,
  resolutionOf,
  type DeepConfigJson,
} from '../config/biggan_deep_config';
import { ArchitectureError, ConfigError } from '../errors';
import { transpose2d } from './layout';
import { ShapeReader, type ConversionPlan, type ShapeMap, type WeightPlan } from './plan';
import { plainWeight, slicedBias, snConv, snLinear, type SnStyle } from './weight_builders';

const TORCH_SN: SnStyle = { kind: 'torch' };
const RGB = 3;
const layerKey = (m: number) => `generator.layers.${m}`;

/** Reads the layer list and attention position off the shapes. */
function inferArchitecture(r: ShapeReader, shapes: ShapeMap): { arch: BigGanDeepArchitecture; notes: string[] } {
  const [classEmbedDim, numClasses] = r.shape('embeddings.weight');
  const genZ = r.shape('generator.gen_z.weight_orig');
  const zDim = genZ[1] - classEmbedDim;
  if (genZ[0] % 256 !== 0 || zDim <= 0) {
    throw new ConfigError(
      `generator.gen_z has shape [${genZ.join(', ')}], which is not 4*4*16*ch outputs from z + class embedding.`,
    );
  }
  const channelWidth = genZ[0] / 256;
  const layers: DeepLayer[] = [];
  let attentionPosition = -1;
  for (let m = 0; ; m++) {
    if (r.has(`${layerKey(m)}.gamma`)) {
      if (attentionPosition >= 0)
        throw new ArchitectureError(`Two attention layers (at ${attentionPosition} and ${m}); BigGAN-deep has one.`);
      attentionPosition = m;
    } else if (r.has(`${layerKey(m)}.conv_0.weight_orig`)) {
      layers.push({
        // No weights say where the upsampling is: every released model upsamples in every second block.
        upsample: layers.length % 2 === 1,
        inChannels: r.dim(`${layerKey(m)}.bn_0.running_means`, 1),
        outChannels: r.dim(`${layerKey(m)}.conv_3.weight_orig`, 0),
      });
    } else break;
  }
  if (layers.length === 0)
    throw new ArchitectureError("No 'generator.layers.N' blocks found: not a BigGAN-deep generator.");
  if (attentionPosition < 0)
    throw new ArchitectureError("No attention layer ('generator.layers.N.gamma') found: not a BigGAN-deep generator.");
  const nStats = r.dim('generator.bn.running_means', 0);
  const stray = [...shapes.keys()].find((k) => k.startsWith(`${layerKey(layers.length + 1)}.`));
  if (stray) throw new ArchitectureError(`Key '${stray}' follows a gap in the layer numbering.`);
  return {
    arch: {
      family: 'biggan-deep',
      resolution: resolutionOf(layers),
      zDim,
      classEmbedDim,
      numClasses,
      channelWidth,
      layers,
      attentionPosition,
      eps: DEEP_DEFAULT_EPS,
      nStats,
    },
    notes: ['No config.json given: upsampling placed in every second block as in the released models; eps = 1e-4.'],
  };
}

function conditionalBn(r: ShapeReader, prefix: string, c: number, condDim: number, nStats: number): WeightPlan[] {
  return [
    plainWeight(r, `${prefix}.running_means`, [nStats, c]),
    plainWeight(r, `${prefix}.running_vars`, [nStats, c]),
    snLinear(r, `${prefix}.scale`, condDim, c, TORCH_SN),
    snLinear(r, `${prefix}.offset`, condDim, c, TORCH_SN),
  ];
}

function genBlock(r: ShapeReader, p: string, l: DeepLayer, condDim: number, nStats: number): WeightPlan[] {
  const mid = l.inChannels / 4;
  const convs: [number, number, number][] = [
    [l.inChannels, mid, 1],
    [mid, mid, 3],
    [mid, mid, 3],
    [mid, l.outChannels, 1],
  ];
  return convs.flatMap(([cin, cout, k], i) => [
    ...conditionalBn(r, `${p}.bn_${i}`, cin, condDim, nStats),
    snConv(r, `${p}.conv_${i}`, cin, cout, k, TORCH_SN),
    plainWeight(r, `${p}.conv_${i}.bias`, [cout]),
  ]);
}

function selfAttention(r: ShapeReader, p: string, c: number): WeightPlan[] {
  const parts: [string, number, number][] = [
    ['snconv1x1_theta', c, c / 8],
    ['snconv1x1_phi', c, c / 8],
    ['snconv1x1_g', c, c / 2],
    ['snconv1x1_o_conv', c / 2, c],
  ];
  return [
    ...parts.map(([name, cin, cout]) => snConv(r, `${p}.${name}`, cin, cout, 1, TORCH_SN)),
    plainWeight(r, `${p}.gamma`, [1]),
  ];
}

export function planBigGanDeep(shapes: ShapeMap, config?: DeepConfigJson): ConversionPlan {
  const r = new ShapeReader(shapes, 'BigGAN-deep');
  const inferred = inferArchitecture(r, shapes);
  let arch = inferred.arch;
  let notes = inferred.notes;
  if (config) {
    arch = deepArchitectureFromConfig(config);
    checkDeepConfigMatches(arch, inferred.arch);
    notes = [];
  }
  const condDim = arch.zDim + arch.classEmbedDim;
  const ch = arch.channelWidth;
  r.expect('embeddings.weight', [arch.classEmbedDim, arch.numClasses]);
  const weights: WeightPlan[] = [
    {
      // Used as class_vector @ W^T, so W^T is stored.
      name: 'embeddings.weight',
      shape: [arch.numClasses, arch.classEmbedDim],
      sources: ['embeddings.weight'],
      build: (get, out) => transpose2d(get('embeddings.weight').data, arch.classEmbedDim, arch.numClasses, out),
    },
    snLinear(r, 'generator.gen_z', condDim, 16 * ch * 16, TORCH_SN),
    plainWeight(r, 'generator.gen_z.bias', [16 * ch * 16]),
  ];
  let layer = 0;
  const modelLength = arch.layers.length + 1;
  for (let m = 0; m < modelLength; m++) {
    if (m === arch.attentionPosition) {
      weights.push(...selfAttention(r, layerKey(m), arch.layers[layer - 1]?.outChannels ?? 16 * ch));
    } else {
      weights.push(...genBlock(r, layerKey(m), arch.layers[layer], condDim, arch.nStats));
      layer++;
    }
  }
  const finalCh = arch.layers[arch.layers.length - 1].outChannels;
  weights.push(
    plainWeight(r, 'generator.bn.weight', [finalCh]),
    plainWeight(r, 'generator.bn.bias', [finalCh]),
    plainWeight(r, 'generator.bn.running_means', [arch.nStats, finalCh]),
    plainWeight(r, 'generator.bn.running_vars', [arch.nStats, finalCh]),
    // Only the first 3 of conv_to_rgb's filters reach the image; sigma is still taken over all.
    snConv(r, 'generator.conv_to_rgb', finalCh, finalCh, 3, TORCH_SN, RGB),
    slicedBias(r, 'generator.conv_to_rgb.bias', finalCh, RGB),
  );
  return { architecture: arch, weights, ignoredKeys: [], notes };
}
