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
import { REFERENCE, fixturePath, readRawTensors, type FixtureFamily } from './helpers/fixtures';

const config = (family: FixtureFamily) => readFileSync(fixturePath(family, 'config.json'), 'utf8');

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

describe.each(['biggan-deep', 'biggan'] as const)('%s converter', (family) => {
  const stateDict = readRawTensors(family, 'state_dict');
  const converted = convertStateDict(stateDict, { configText: config(family) });
  const ours = new Map(converted.weights.map((w) => [w.name, w]));

  it('folds spectral norm to the reference effective weights (max abs <= 1e-6 of scale)', () => {
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
  });

  it('rejects a missing key, naming it', () => {
    const broken: StateDict = new Map(stateDict);
    const key = family === 'biggan' ? 'blocks.1.0.conv2.u0' : 'generator.layers.3.conv_1.weight_v';
    broken.delete(key);
    expect(() => convertStateDict(broken, { configText: config(family) })).toThrow(new RegExp(`Missing key '${key.replace(/\./g, '\\.')}'`));
  });

  it('rejects a wrong shape, naming the key and both shapes', () => {
    const broken: StateDict = new Map(stateDict);
    const key = family === 'biggan' ? 'blocks.2.0.conv1.bias' : 'generator.layers.2.conv_3.bias';
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

describe('configs', () => {
  const deep = readRawTensors('biggan-deep', 'state_dict');
  it('refuses a BigGAN-deep config.json that does not match the tensors', () => {
    const bad = JSON.parse(config('biggan-deep'));
    bad.channel_width = 32;
    expect(() => convertStateDict(deep, { configText: JSON.stringify(bad) })).toThrow(/channel_width = 32.*tensors say 16/);
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
    expect(arch).toMatchObject({ family: 'biggan', resolution: 128, dimZ: 120, chunkSize: 20, sharedDim: 128, bnEps: 1e-5, snEps: 1e-6 });
    expect(planConversion(shapes, '{"BN_eps": 1e-4, "SN_eps": 1e-4}').architecture).toMatchObject({ bnEps: 1e-4, snEps: 1e-4 });
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

describe('full-size released architectures', () => {
  const lists = readdirSync(join(REFERENCE, 'keys')).filter((f) => f.endsWith('.tsv'));
  it('has all six key lists', () => expect(lists).toHaveLength(6));

  it.each(lists)('%s maps completely (no key unused, none missing)', (file) => {
    const shapes = new Map<string, number[]>();
    for (const line of readFileSync(join(REFERENCE, 'keys', file), 'utf8').trim().split('\n')) {
      const [key, shape] = line.split('\t');
      shapes.set(key, JSON.parse(shape) as number[]);
    }
    const plan = planConversion(shapes);
    const used = new Set([...plan.ignoredKeys, ...plan.weights.flatMap((w) => w.sources)]);
    expect([...shapes.keys()].filter((k) => !used.has(k))).toEqual([]);
    expect([...used].filter((k) => !shapes.has(k))).toEqual([]);
    const res = Number(/-(\d+)(-|\.)/.exec(file)![1]);
    expect(plan.architecture.resolution).toBe(res);
    if (plan.architecture.family === 'biggan') expect(plan.architecture.channelWidth).toBe(96);
    else expect(plan.architecture.channelWidth).toBe(128);
  });
});
