/**
 * Latent controls: the seeded sampler is fixed across runs and backends, both truncation
 * conventions hold their bounds, batches equal single runs, per-slot overrides change only what
 * they should, and 50 samples leak no tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Architecture } from '../src/core/config/architecture';
import { latentSlots } from '../src/core/config/architecture';
import { portableLog } from '../src/core/latent/portable_math';
import { Rng } from '../src/core/latent/rng';
import { drawSlot, sampleLatents, slotSize } from '../src/core/latent/latent_request';
import type { LoadedModel } from '../src/core/model/load_generator';
import { generateFromInputs, inputsFromSettings, type SampleSettings } from '../src/core/sampling/sample';
import { NODE_BACKENDS, setBackend } from './helpers/backends';
import { maxAbsDiff } from './helpers/fixtures';
import { loadFixtureModel } from './helpers/models';

async function render(model: LoadedModel, s: SampleSettings): Promise<Float32Array> {
  const out = generateFromInputs(model.generator, inputsFromSettings(model.generator, s));
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

describe('seeded random numbers', () => {
  it('are the same on every run (pinned values guard against any change)', () => {
    const r = new Rng(7, 0);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual(PINNED_UINT32);
    expect(Array.from(drawSlot(7, 0, 4, 1, 'scaled'))).toEqual(PINNED_Z);
  });

  it('portableLog agrees with Math.log to 1 ulp-ish', () => {
    for (const x of [1e-300, 1e-9, 0.001, 0.25, 0.5, 0.7071, 0.999999, 1, 1.5, 2, 10, 12345.678]) {
      expect(Math.abs(portableLog(x) - Math.log(x))).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(Math.log(x))));
    }
  });

  it('gives a standard normal', () => {
    const r = new Rng(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('keeps each truncation convention in its bounds', () => {
    const scaled = drawSlot(3, 0, 5000, 0.4, 'scaled');
    const threshold = drawSlot(3, 0, 5000, 0.4, 'threshold');
    expect(Math.max(...scaled.map(Math.abs))).toBeLessThanOrEqual(0.8 + 1e-6);
    expect(Math.max(...scaled.map(Math.abs))).toBeGreaterThan(0.6);
    expect(Math.max(...threshold.map(Math.abs))).toBeLessThanOrEqual(0.4 + 1e-6);
    expect(() => drawSlot(3, 0, 5, 0, 'scaled')).toThrow(/Truncation must be between/);
  });
});

const settings: SampleSettings = { classes: [{ index: 207, weight: 1 }], truncation: 0.5, mode: 'scaled', seed: 11 };

describe.each(['biggan-deep', 'biggan'] as const)('%s latent controls', (family) => {
  let model: LoadedModel;
  let arch: Architecture;
  beforeAll(async () => {
    await setBackend('wasm');
    model = await loadFixtureModel(family);
    arch = model.generator.architecture;
  });
  afterAll(() => model.generator.dispose());

  it('renders a batch of 4 equal to 4 single runs', async () => {
    const batch = await render(model, { ...settings, batch: 4 });
    const per = batch.length / 4;
    for (let i = 0; i < 4; i++) {
      const single = await render(model, { ...settings, seed: settings.seed + i });
      expect(maxAbsDiff(batch.subarray(i * per, (i + 1) * per), single)).toBeLessThan(1e-5);
    }
  });

  it('leaves the output unchanged when a slot is pinned to the seed it already had', async () => {
    const base = await render(model, settings);
    const slots = latentSlots(arch).map(() => ({ seed: settings.seed }));
    expect(maxAbsDiff(await render(model, { ...settings, slots }), base)).toBe(0);
    const mid = latentSlots(arch).length - 2;
    expect(
      maxAbsDiff(await render(model, { ...settings, slots: { [mid]: { seed: settings.seed } } as never }), base),
    ).toBe(0);
  });

  it('changes only the overridden slot', () => {
    const slot = 2;
    const a = sampleLatents(arch, { seed: 5, truncation: 0.7, mode: 'scaled' });
    const b = sampleLatents(arch, {
      seed: 5,
      truncation: 0.7,
      mode: 'scaled',
      slots: [undefined, undefined, { seed: 99 }],
    });
    if (family === 'biggan') {
      const size = a.z.length / latentSlots(arch).length;
      for (let s = 0; s < latentSlots(arch).length; s++) {
        const same = maxAbsDiff(a.z.subarray(s * size, (s + 1) * size), b.z.subarray(s * size, (s + 1) * size)) === 0;
        expect(same, `chunk ${s}`).toBe(s !== slot);
      }
    } else {
      expect(b.z).toEqual(a.z);
      expect(b.slotZ.map((v) => v !== undefined)).toEqual(latentSlots(arch).map((_, s) => s === slot));
    }
  });

  it('changes the image when an unlocked slot is resampled, and keeps a locked slot', async () => {
    const base = await render(model, settings);
    const locked = { seed: settings.seed };
    const slots = latentSlots(arch).map((_, s) => (s === 1 ? locked : { seed: 1000 + s }));
    const resampled = await render(model, { ...settings, slots });
    expect(maxAbsDiff(resampled, base)).toBeGreaterThan(1e-3);
    const latents = sampleLatents(arch, { ...settings, slots });
    const kept = sampleLatents(arch, settings);
    const size = slotSize(arch);
    const slot1 = (l: typeof latents) => (family === 'biggan' ? l.z.subarray(size, 2 * size) : (l.slotZ[1] ?? l.z));
    expect(slot1(latents)).toEqual(slot1(kept));
  });

  it('scales a slot by its strength; strength 0 zeroes it', () => {
    const a = sampleLatents(arch, { seed: 5, truncation: 1, mode: 'scaled' });
    const b = sampleLatents(arch, { seed: 5, truncation: 1, mode: 'scaled', slots: [{ strength: 0 }] });
    const size = slotSize(arch);
    expect(Array.from(b.z.subarray(0, size)).every((v) => v === 0)).toBe(true);
    expect(maxAbsDiff(a.z.subarray(0, size), b.z.subarray(0, size))).toBeGreaterThan(0);
  });

  it('leaks no tensor over 50 samples', async () => {
    await render(model, settings);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) await render(model, { ...settings, seed: i, truncation: 0.1 + (i % 9) / 10 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the same seed on every backend', () => {
  it('gives the same image on cpu and wasm', async () => {
    const outputs: Float32Array[] = [];
    for (const backend of NODE_BACKENDS) {
      await setBackend(backend);
      const model = await loadFixtureModel('biggan');
      outputs.push(await render(model, settings));
      model.generator.dispose();
    }
    expect(maxAbsDiff(outputs[0], outputs[1])).toBeLessThan(1e-4);
  });
});

// Recorded once from this implementation; a change here changes every shared seed, so it must be deliberate.
const PINNED_UINT32 = [1248749571, 1846413904, 223636836];
const PINNED_Z = [-0.08986074477434158, -0.7877956628799438, 1.6763122081756592, -0.009213407523930073];
