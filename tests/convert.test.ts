/**
 * The converter against the fixtures: folded weights equal the reference's effective weights, every
 * full-size key list maps completely, and bad tensors or configs are refused with clear messages.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateDict } from '../src/core/checkpoint/types';
import { convertStateDict, planConversion, shapesOf } from '../src/core/convert/convert';
import { ArchitectureError, ConfigError } from '../src/core/errors';
import { latentSlots } from '../src/core/config/architecture';
import { sigmaTfOrderEval, sigmaTorchEval } from '../src/core/convert/spectral_norm';
import {
  REFERENCE,
  fixturePath,
  fullFixtures,
  maxAbsDiff,
  readRawTensors,
  type FixtureFamily,
} from './helpers/fixtures';
import { tfhubPreDividedStateDict } from './helpers/tfhub_old_form';

/** The TF Hub release carries no config file. */
const config = (family: FixtureFamily) =>
  family === 'biggan-tfhub' ? undefined : readFileSync(fixturePath(family, 'config.json'), 'utf8');

const BROKEN_KEYS: Record<FixtureFamily, { missing: string; shape: string }> = {
  'biggan-deep': { missing: 'generator.layers.3.conv_1.weight_v', shape: 'generator.layers.2.conv_3.bias' },
  biggan: { missing: 'blocks.1.0.conv2.u0', shape: 'blocks.2.0.conv1.bias' },
  'biggan-tfhub': { missing: 'gblock_2.hyperbn_1.gamma.weight_u', shape: 'gblock_3.conv1.bias' },
};

/** Expected weight in our layout, from the reference's PyTorch layout, by plain index loops. */
function toOurLayout(name: string, shape: number[], data: Float32Array, ourShape: number[]): Float32Array {
  const out = new Float32Array(ourShape.reduce((a, b) => a * b, 1));
  if (shape.length === 4) {
    const [o, i, kh, kw] = shape;
    const keep = ourShape[3];
    for (let a = 0; a < keep; a++)
      for (let b = 0; b < i; b++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * keep + a] = data[((a * i + b) * kh + y) * kw + x];
    void o;
    return out;
  }
  const [rows, cols] = shape;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  if (name === 'linear.weight') {
    // BigGAN's first linear writes NCHW [C, 4, 4]; ours writes NHWC [4, 4, C].
    const ch = rows / 16;
    const perm = new Float32Array(out.length);
    for (let c = 0; c < cols; c++)
      for (let k = 0; k < ch; k++)
        for (let p = 0; p < 16; p++) perm[c * rows + p * ch + k] = out[c * rows + k * 16 + p];
    return perm;
  }
  return out;
}

describe.each(['biggan-deep', 'biggan', 'biggan-tfhub'] as const)('%s converter', (family) => {
  const stateDict = readRawTensors(family, 'state_dict');
  const converted = convertStateDict(stateDict, { configText: config(family) });
  const ours = new Map(converted.weights.map((w) => [w.name, w]));

  it.skipIf(!fullFixtures('comparing folded weights with the effective weights'))(
    'folds spectral norm to the reference effective weights (max abs <= 1e-6 of scale)',
    () => {
      const effective = readRawTensors(family, 'effective_weights');
      expect(effective.size).toBeGreaterThan(10);
      for (const [name, t] of effective) {
        const w = ours.get(name);
        expect(w, name).toBeDefined();
        const expected = toOurLayout(name, t.shape, t.data, w!.shape);
        let scale = 0;
        let err = 0;
        for (let i = 0; i < expected.length; i++) {
          scale = Math.max(scale, Math.abs(expected[i]));
          err = Math.max(err, Math.abs(expected[i] - w!.data[i]));
        }
        expect(err, name).toBeLessThanOrEqual(1e-6 * scale);
      }
    },
  );

  it('rejects a missing key, naming it', () => {
    const broken: StateDict = new Map(stateDict);
    const key = BROKEN_KEYS[family].missing;
    broken.delete(key);
    expect(() => convertStateDict(broken, { configText: config(family) })).toThrow(
      new RegExp(`Missing key '${key.replace(/\./g, '\\.')}'`),
    );
  });

  it('rejects a wrong shape, naming the key and both shapes', () => {
    const broken: StateDict = new Map(stateDict);
    const key = BROKEN_KEYS[family].shape;
    broken.set(key, { shape: [7], dtype: 'float32', data: new Float32Array(7) });
    const err = (() => {
      try {
        convertStateDict(broken, { configText: config(family) });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ArchitectureError);
    expect(err!.message).toContain(key);
    expect(err!.message).toContain('[7]');
  });

  it('rejects an extra key it cannot place', () => {
    const broken: StateDict = new Map(stateDict);
    broken.set('generator.something_else', { shape: [1], dtype: 'float32', data: new Float32Array(1) });
    broken.set('blocks.0.0.extra', { shape: [1], dtype: 'float32', data: new Float32Array(1) });
    expect(() => convertStateDict(broken, { configText: config(family) })).toThrow(ArchitectureError);
  });
});

describe('TF Hub BigGAN layout', () => {
  const stateDict = readRawTensors('biggan-tfhub', 'state_dict');

  it('reads the architecture off the shapes: 128 px, chunk 20, ch 8, eps 1e-4, attention at 64 px', () => {
    const arch = planConversion(shapesOf(stateDict)).architecture;
    expect(arch).toMatchObject({
      family: 'biggan-tfhub',
      resolution: 128,
      dimZ: 120,
      chunkSize: 20,
      classEmbedDim: 128,
      channelWidth: 8,
      eps: 1e-4,
      nStats: 50,
    });
    if (arch.family !== 'biggan-tfhub') throw new Error('family');
    expect(arch.blocks.map((b) => b.attention)).toEqual([false, false, false, true, false]);
    expect(latentSlots(arch)).toHaveLength(6);
  });

  it.each([
    [128, 6, 64],
    [256, 7, 128],
    [512, 8, 64],
  ])('the full-size %s px release has %s latent slots and attention at %s px', (res, slots, attnAt) => {
    const arch = planConversion(readKeyList(`keys_tfhub-biggan-${res}.tsv`)).architecture;
    if (arch.family !== 'biggan-tfhub') throw new Error('family');
    expect(latentSlots(arch)).toHaveLength(slots);
    expect(arch.blocks.findIndex((b) => b.attention)).toBe(Math.log2(attnAt / 4) - 1);
    expect(arch.chunkSize * slots).toBe(arch.dimZ);
  });

  it('reads the older form (pre-divided weight, no weight_v) to the same weights', () => {
    const oldForm = tfhubPreDividedStateDict();
    expect([...oldForm.keys()].some((k) => k.endsWith('.weight_v'))).toBe(false);
    const a = convertStateDict(stateDict);
    const b = convertStateDict(oldForm);
    expect(b.weights.map((w) => w.name)).toEqual(a.weights.map((w) => w.name));
    a.weights.forEach((w, i) => {
      const scale = w.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxAbsDiff(w.data, b.weights[i].data), w.name).toBeLessThanOrEqual(1e-6 * scale);
    });
  });

  it.skipIf(!fullFixtures('the TF-order sigma check against the effective weights'))(
    'flattens conv weights in TF order for sigma: torch order would give other weights',
    () => {
      // For 3x3 kernels the two flattenings differ, so a stored v only fits one of them.
      const key = 'gblock.conv0';
      const w = stateDict.get(`${key}.weight_orig`)!;
      const u = stateDict.get(`${key}.weight_u`)!.data;
      const v = stateDict.get(`${key}.weight_v`)!.data;
      const tfSigma = sigmaTfOrderEval(w.data, w.shape, u, v);
      const torchSigma = sigmaTorchEval(w.data, w.shape[0], u, v);
      const effective = readRawTensors('biggan-tfhub', 'effective_weights').get(`${key}.weight`)!.data;
      const i = effective.findIndex((x) => Math.abs(x) > 1e-3);
      expect(w.data[i] / tfSigma).toBeCloseTo(effective[i], 6);
      expect(Math.abs(w.data[i] / torchSigma - effective[i])).toBeGreaterThan(1e-4 * Math.abs(effective[i]));
    },
  );

  it('refuses shapes that do not make a TF Hub BigGAN, saying why', () => {
    const shapes = shapesOf(stateDict);
    const wide = new Map(shapes);
    wide.set('g_z.g_linear.weight_orig', [4096, 20]);
    expect(() => planConversion(wide)).toThrow(/g_z.g_linear writes 4096 values/);
    const cond = new Map(shapes);
    cond.set('linear.weight', [1000, 64]);
    expect(() => planConversion(cond)).toThrow(/conditioned on 148 values/);
    const noSn = new Map(shapes);
    noSn.delete('gblock_1.conv1.weight_v');
    expect(() => planConversion(noSn)).toThrow(
      /Missing key 'gblock_1\.conv1\.weight_v' \(or 'gblock_1\.conv1\.weight'/,
    );
  });
});

describe('configs', () => {
  const deep = readRawTensors('biggan-deep', 'state_dict');
  it('refuses a BigGAN-deep config.json that does not match the tensors', () => {
    const bad = JSON.parse(config('biggan-deep')!);
    bad.channel_width = 32;
    expect(() => convertStateDict(deep, { configText: JSON.stringify(bad) })).toThrow(
      /channel_width = 32.*tensors say 16/,
    );
    bad.channel_width = 16;
    bad.layers[3][2] = 4;
    expect(() => convertStateDict(deep, { configText: JSON.stringify(bad) })).toThrow(ConfigError);
    expect(() => convertStateDict(deep, { configText: '{not json' })).toThrow(/not valid JSON/);
  });

  it('infers the BigGAN-deep config from the tensors when none is given', () => {
    const withConfig = planConversion(shapesOf(deep), config('biggan-deep')).architecture;
    expect(planConversion(shapesOf(deep)).architecture).toEqual(withConfig);
  });

  it('infers the BigGAN config and applies eps overrides; checks given fields', () => {
    const shapes = shapesOf(readRawTensors('biggan', 'state_dict'));
    const arch = planConversion(shapes).architecture;
    expect(arch).toMatchObject({
      family: 'biggan',
      resolution: 128,
      dimZ: 120,
      chunkSize: 20,
      sharedDim: 128,
      bnEps: 1e-5,
      snEps: 1e-6,
    });
    expect(planConversion(shapes, '{"BN_eps": 1e-4, "SN_eps": 1e-4}').architecture).toMatchObject({
      bnEps: 1e-4,
      snEps: 1e-4,
    });
    expect(() => planConversion(shapes, '{"dim_z": 128}')).toThrow(/dim_z = 128.*tensors say 120/);
    expect(() => planConversion(shapes, '{"G_attn": "32"}')).toThrow(/G_attn/);
  });

  it('says when a BigGAN config cannot be inferred', () => {
    const shapes = shapesOf(readRawTensors('biggan', 'state_dict'));
    const noBlocks = new Map([...shapes].filter(([k]) => !k.startsWith('blocks.')));
    expect(() => planConversion(noBlocks)).toThrow(/Cannot infer the BigGAN config/);
    const odd = new Map(shapes);
    odd.set('linear.weight', [1000, 20]);
    expect(() => planConversion(odd)).toThrow(/Cannot infer the BigGAN config/);
  });

  it('names what a non-BigGAN file looks like', () => {
    expect(() => planConversion(new Map([['fc.weight', [10, 3]]]))).toThrow(/Not a BigGAN generator/);
    expect(() => planConversion(new Map())).toThrow(/no tensors/);
  });
});

function readKeyList(file: string): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const line of readFileSync(join(REFERENCE, 'keys', file), 'utf8')
    .trim()
    .split('\n')) {
    const [key, shape] = line.split('\t');
    shapes.set(key, JSON.parse(shape) as number[]);
  }
  return shapes;
}

describe('full-size released architectures', () => {
  const lists = readdirSync(join(REFERENCE, 'keys')).filter((f) => f.endsWith('.tsv'));
  it('has all nine key lists (three families at 128, 256 and 512 px)', () => expect(lists).toHaveLength(9));

  it.each(lists)('%s maps completely (no key unused, none missing)', (file) => {
    const shapes = readKeyList(file);
    const plan = planConversion(shapes);
    const used = new Set([...plan.ignoredKeys, ...plan.weights.flatMap((w) => w.sources)]);
    expect([...shapes.keys()].filter((k) => !used.has(k))).toEqual([]);
    expect([...used].filter((k) => !shapes.has(k))).toEqual([]);
    const res = Number(/-(\d+)(-|\.)/.exec(file)![1]);
    expect(plan.architecture.resolution).toBe(res);
    expect(plan.architecture.family).toBe(
      file.startsWith('keys_tfhub-') ? 'biggan-tfhub' : file.startsWith('keys_bp-') ? 'biggan' : 'biggan-deep',
    );
    expect(plan.architecture.channelWidth).toBe(plan.architecture.family === 'biggan-deep' ? 128 : 96);
  });
});
