/**
 * Conversion plan for the original BigGAN (ajbrock/BigGAN-PyTorch layout, hierarchical latent).
 * Its checkpoints carry no config: G_ch, dim_z, resolution, attention place and shared_dim are read
 * off the shapes; the two epsilons come from defaults or an override.
 */
import type { BigGanArchitecture, BigGanBlock } from '../config/architecture';
import { BIGGAN_PYTORCH_EPS, type BigGanOverrides } from '../config/biggan_config';
import { ArchitectureError, ConfigError } from '../errors';
import { chwColumnsToHwc } from './layout';
import { ShapeReader, type ConversionPlan, type ShapeMap, type TensorLookup, type WeightPlan } from './plan';
import { plainWeight, snConv, snLinear, type SnStyle } from './weight_builders';

const blockKey = (i: number) => `blocks.${i}.0`;
const attnKey = (i: number) => `blocks.${i}.1`;

function inferArchitecture(r: ShapeReader, overrides: BigGanOverrides): BigGanArchitecture {
  const blocks: BigGanBlock[] = [];
  for (let i = 0; r.has(`${blockKey(i)}.conv1.weight`); i++) {
    const [outChannels, inChannels] = r.shape(`${blockKey(i)}.conv1.weight`);
    blocks.push({ inChannels, outChannels, attention: r.has(`${attnKey(i)}.gamma`) });
  }
  if (blocks.length === 0) {
    throw new ConfigError(
      "Cannot infer the BigGAN config: no 'blocks.0.0.conv1.weight' to read the channels from. " +
        'The file is not a BigGAN-PyTorch generator.',
    );
  }
  const [linearOut, chunkSize] = r.shape('linear.weight');
  const [numClasses, sharedDim] = r.shape('shared.weight');
  const condDim = r.dim(`${blockKey(0)}.bn1.gain.weight`, 1);
  const bottom = Math.sqrt(linearOut / blocks[0].inChannels);
  if (!Number.isInteger(bottom) || condDim !== sharedDim + chunkSize) {
    throw new ConfigError(
      `Cannot infer the BigGAN config: linear.weight is [${linearOut}, ${chunkSize}], shared.weight ` +
        `[${numClasses}, ${sharedDim}] and the first block is conditioned on ${condDim} values; a ` +
        'hierarchical-latent BigGAN has linear out = C*w*w and condition = shared_dim + z chunk. ' +
        'Non-hierarchical BigGANs are not supported.',
    );
  }
  const arch: BigGanArchitecture = {
    family: 'biggan',
    resolution: bottom * 2 ** blocks.length,
    dimZ: chunkSize * (blocks.length + 1),
    chunkSize,
    sharedDim,
    numClasses,
    bottomWidth: bottom,
    channelWidth: blocks[blocks.length - 1].outChannels,
    blocks,
    bnEps: overrides.BN_eps ?? BIGGAN_PYTORCH_EPS.bnEps,
    snEps: overrides.SN_eps ?? BIGGAN_PYTORCH_EPS.snEps,
  };
  checkOverrides(arch, overrides);
  if (overrides.G_ch !== undefined) arch.channelWidth = overrides.G_ch;
  return arch;
}

function checkOverrides(arch: BigGanArchitecture, o: BigGanOverrides): void {
  const attnRes = arch.blocks.map((b, i) => (b.attention ? arch.bottomWidth * 2 ** (i + 1) : 0)).filter((x) => x > 0);
  // Block widths are multiples of G_ch (x1 at the last block of 128-512 px models, x4 at 32 px).
  if (o.G_ch !== undefined && arch.blocks.some((b) => b.inChannels % o.G_ch! !== 0 || b.outChannels % o.G_ch! !== 0)) {
    throw new ConfigError(
      `The config says G_ch = ${o.G_ch}, but the checkpoint's block widths (${arch.blocks.map((b) => b.outChannels).join(', ')}) ` +
        'are not multiples of it. Use the config that belongs to this checkpoint, or leave that field out.',
    );
  }
  const checks: [string, number | string | undefined, number | string][] = [
    ['dim_z', o.dim_z, arch.dimZ],
    ['resolution', o.resolution, arch.resolution],
    ['shared_dim', o.shared_dim, arch.sharedDim],
    ['n_classes', o.n_classes, arch.numClasses],
    ['G_attn', o.G_attn, attnRes.join('_') || '0'],
  ];
  for (const [name, given, actual] of checks) {
    if (given !== undefined && String(given) !== String(actual)) {
      throw new ConfigError(
        `The config says ${name} = ${given}, but the checkpoint's tensors say ${actual}. ` +
          'Use the config that belongs to this checkpoint, or leave that field out.',
      );
    }
  }
}

function ccbn(r: ShapeReader, p: string, c: number, condDim: number, sn: SnStyle): WeightPlan[] {
  return [
    plainWeight(r, `${p}.stored_mean`, [c]),
    plainWeight(r, `${p}.stored_var`, [c]),
    snLinear(r, `${p}.gain`, condDim, c, sn),
    snLinear(r, `${p}.bias`, condDim, c, sn),
  ];
}

function gBlock(r: ShapeReader, i: number, b: BigGanBlock, condDim: number, sn: SnStyle): WeightPlan[] {
  const p = blockKey(i);
  return [
    ...ccbn(r, `${p}.bn1`, b.inChannels, condDim, sn),
    snConv(r, `${p}.conv1`, b.inChannels, b.outChannels, 3, sn),
    plainWeight(r, `${p}.conv1.bias`, [b.outChannels]),
    ...ccbn(r, `${p}.bn2`, b.outChannels, condDim, sn),
    snConv(r, `${p}.conv2`, b.outChannels, b.outChannels, 3, sn),
    plainWeight(r, `${p}.conv2.bias`, [b.outChannels]),
    snConv(r, `${p}.conv_sc`, b.inChannels, b.outChannels, 1, sn),
    plainWeight(r, `${p}.conv_sc.bias`, [b.outChannels]),
  ];
}

function attention(r: ShapeReader, i: number, c: number, sn: SnStyle): WeightPlan[] {
  const p = attnKey(i);
  const parts: [string, number, number][] = [
    ['theta', c, c / 8],
    ['phi', c, c / 8],
    ['g', c, c / 2],
    ['o', c / 2, c],
  ];
  return [
    ...parts.map(([name, cin, cout]) => snConv(r, `${p}.${name}`, cin, cout, 1, sn)),
    // gamma is a 0-d tensor in BigGAN-PyTorch's files; some exporters write it as [1].
    { ...plainWeight(r, `${p}.gamma`, r.shape(`${p}.gamma`).length === 0 ? [] : [1]), shape: [1] },
  ];
}

function built(w: WeightPlan, get: TensorLookup): Float32Array {
  const out = new Float32Array(w.shape.reduce((a, b) => a * b, 1));
  w.build(get, out);
  return out;
}

export function planBigGan(shapes: ShapeMap, overrides: BigGanOverrides = {}): ConversionPlan {
  const r = new ShapeReader(shapes, 'BigGAN');
  const arch = inferArchitecture(r, overrides);
  const sn: SnStyle = { kind: 'biggan', eps: arch.snEps };
  const condDim = arch.sharedDim + arch.chunkSize;
  const c0 = arch.blocks[0].inChannels;
  const w = arch.bottomWidth;
  const linear = snLinear(r, 'linear', arch.chunkSize, c0 * w * w, sn);
  const linearBias = plainWeight(r, 'linear.bias', [c0 * w * w]);
  const weights: WeightPlan[] = [
    plainWeight(r, 'shared.weight', [arch.numClasses, arch.sharedDim]),
    // The reference views linear's output as NCHW; reorder its columns so it reads as NHWC.
    { ...linear, build: (get, out) => chwColumnsToHwc(built(linear, get), arch.chunkSize, c0, w, w, out) },
    { ...linearBias, build: (get, out) => chwColumnsToHwc(built(linearBias, get), 1, c0, w, w, out) },
  ];
  arch.blocks.forEach((b, i) => {
    weights.push(...gBlock(r, i, b, condDim, sn));
    if (b.attention) weights.push(...attention(r, i, b.outChannels, sn));
  });
  const last = arch.blocks[arch.blocks.length - 1].outChannels;
  weights.push(
    plainWeight(r, 'output_layer.0.gain', [last]),
    plainWeight(r, 'output_layer.0.bias', [last]),
    plainWeight(r, 'output_layer.0.stored_mean', [last]),
    plainWeight(r, 'output_layer.0.stored_var', [last]),
    snConv(r, 'output_layer.2', last, 3, 3, sn),
    plainWeight(r, 'output_layer.2.bias', [3]),
  );
  const stray = [...shapes.keys()].find((k) => k.startsWith(`blocks.${arch.blocks.length}.`));
  if (stray) throw new ArchitectureError(`Key '${stray}' follows a gap in the block numbering.`);
  return {
    architecture: arch,
    weights,
    ignoredKeys: [],
    notes:
      overrides.BN_eps === undefined
        ? [
            "BN_eps/SN_eps not given: using BigGAN-PyTorch's release values (1e-5, 1e-6); files made by its TF Hub converter need 1e-4 for both (use --config).",
          ]
        : [],
  };
}
