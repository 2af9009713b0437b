/**
 * Exported files, decoded: PNGs carry a settings record that parses and restores the same pixels,
 * GIFs have the frames asked for, and bad or tampered files get a clear message.
 */
import { readFileSync } from 'node:fs';
import { decode } from 'fast-png';
import { GifReader } from 'omggif';
import type * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeGif } from '../src/core/export/gif';
import { encodePng, type RgbImage } from '../src/core/export/png';
import { readSampleRecord } from '../src/core/export/png_metadata';
import {
  PNG_TEXT_KEY,
  parseSampleRecord,
  recordForSample,
  serializeSampleRecord,
} from '../src/core/export/sample_record';
import { classVector } from '../src/core/latent/class_vector';
import type { LoadedModel } from '../src/core/model/load_generator';
import { interpolationInputs } from '../src/core/sampling/interpolation';
import { generateFromInputs, inputsFromSettings, toUint8Rgb, type SampleSettings } from '../src/core/sampling/sample';
import { APP_VERSION } from '../src/core/version';
import { setBackend } from './helpers/backends';
import { loadFixtureModel } from './helpers/models';

const APP = { name: 'biggan-explorer', version: APP_VERSION };

async function pixels(t: tf.Tensor4D): Promise<Uint8Array> {
  const b = toUint8Rgb(t);
  const out = Uint8Array.from(await b.data());
  b.dispose();
  return out;
}

describe('settings records in PNGs', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    await setBackend('wasm');
    model = await loadFixtureModel('biggan-deep');
  });

  it('restores the same pixels from an exported PNG, per-block z included', async () => {
    const arch = model.generator.architecture;
    const settings: SampleSettings = {
      classes: [
        { index: 207, weight: 0.7 },
        { index: 933, weight: 0.3 },
      ],
      truncation: 0.45,
      mode: 'threshold',
      seed: 41,
      batch: 2,
      slots: [undefined, undefined, { seed: 5 }, undefined, { strength: 0.5 }],
    };
    const inputs = inputsFromSettings(model.generator, settings);
    const images = generateFromInputs(model.generator, inputs);
    const all = await pixels(images);
    images.dispose();
    const size = arch.resolution * arch.resolution * 3;
    const second = all.subarray(size, 2 * size);
    const record = recordForSample(
      {
        modelId: 'fixture-deep',
        architecture: arch,
        contentHash: model.topology.contentHash,
        classes: settings.classes,
        truncation: settings.truncation,
        mode: settings.mode,
        seed: settings.seed,
        slots: settings.slots,
        locked: [false, true],
        z: inputs.latents.z,
        slotZ: inputs.latents.slotZ,
        backend: 'wasm',
      },
      1,
      APP,
    );
    const png = encodePng(
      { width: arch.resolution, height: arch.resolution, data: second },
      { [PNG_TEXT_KEY]: serializeSampleRecord(record) },
    );

    const decoded = decode(png);
    expect(Uint8Array.from(decoded.data as Uint8Array)).toEqual(second);
    const back = readSampleRecord(png, arch);
    expect(back).toMatchObject({
      seed: 42,
      truncation: 0.45,
      mode: 'threshold',
      model: { id: 'fixture-deep', hash: model.topology.contentHash },
    });
    expect(back.slots[1]).toEqual({ locked: true });
    expect(back.slots[2]).toEqual({ seed: 5 });

    // Restoring from the settings alone (seed + slots) and from the exact z give the same pixels.
    const fromSettings = generateFromInputs(
      model.generator,
      inputsFromSettings(model.generator, {
        classes: back.classes,
        truncation: back.truncation,
        mode: back.mode,
        seed: back.seed,
        slots: back.slots.map((s) => (s ? { seed: s.seed, strength: s.strength } : undefined)),
      }),
    );
    expect(await pixels(fromSettings)).toEqual(second);
    fromSettings.dispose();
    const exact = generateFromInputs(model.generator, {
      z: Float32Array.from(back.z),
      classVector: classVector(arch.numClasses, back.classes),
      batch: 1,
      truncation: back.truncation,
      slotZ: back.slotZ?.map((v) => (v ? Float32Array.from(v) : undefined)),
    });
    expect(await pixels(exact)).toEqual(second);
    exact.dispose();
  });

  it('says what is wrong with a non-PNG, a PNG without settings, tampered settings and a huge PNG', () => {
    const img: RgbImage = { width: 2, height: 2, data: new Uint8Array(12) };
    expect(() => readSampleRecord(new TextEncoder().encode('GIF89a not a png'))).toThrow(/not a PNG/);
    expect(() => readSampleRecord(encodePng(img))).toThrow(/no BigGAN Explorer settings/);
    expect(() =>
      readSampleRecord(encodePng(img, { [PNG_TEXT_KEY]: '{"format": "biggan-explorer-sample", "ver' })),
    ).toThrow(/damaged: its JSON/);
    const good = JSON.parse(
      serializeSampleRecord({
        format: 'biggan-explorer-sample',
        version: 1,
        app: APP,
        model: { id: 'm', hash: 'h', family: 'biggan', resolution: 128 },
        classes: [{ index: 1, weight: 1 }],
        truncation: 0.5,
        mode: 'scaled',
        seed: 1,
        slots: [],
        z: [0.1],
        backend: 'wasm',
      }),
    );
    expect(() => parseSampleRecord(JSON.stringify(good))).not.toThrow();
    const tamper = (patch: object) => () => parseSampleRecord(JSON.stringify({ ...good, ...patch }));
    expect(tamper({ truncation: 7 })).toThrow(/Truncation must be between/);
    expect(tamper({ seed: -3 })).toThrow(/seed/);
    expect(tamper({ mode: 'sideways' })).toThrow(/mode 'sideways' is unknown/);
    expect(tamper({ classes: [{ index: 5000, weight: 1 }] })).not.toThrow();
    expect(() =>
      parseSampleRecord(
        JSON.stringify({ ...good, classes: [{ index: 5000, weight: 1 }] }),
        model.generator.architecture,
      ),
    ).toThrow(/class 5000 does not exist/);
    expect(tamper({ z: ['a'] })).toThrow(/z is not a list of numbers/);
    expect(tamper({ format: 'other' })).toThrow(/format/);
    // Pixels are never decoded to read the record, so a PNG that declares huge pixels costs nothing.
    const huge = encodePng(img, { [PNG_TEXT_KEY]: serializeSampleRecord(good) });
    new DataView(huge.buffer).setUint32(16, 100000);
    expect(readSampleRecord(huge).seed).toBe(1);
  });
});

describe('interpolation', () => {
  it('renders N frames from A to B and encodes a GIF with N frames of the right size', async () => {
    await setBackend('wasm');
    const model = await loadFixtureModel('biggan');
    const arch = model.generator.architecture;
    const a = inputsFromSettings(model.generator, {
      classes: [{ index: 1, weight: 1 }],
      truncation: 0.6,
      mode: 'scaled',
      seed: 1,
    });
    const b = inputsFromSettings(model.generator, {
      classes: [{ index: 2, weight: 1 }],
      truncation: 0.6,
      mode: 'scaled',
      seed: 2,
    });
    const steps = 5;
    const inputs = interpolationInputs(
      arch,
      { z: a.z, classes: [{ index: 1, weight: 1 }], truncation: 0.6 },
      { z: b.z, classes: [{ index: 2, weight: 1 }], truncation: 0.6 },
      steps,
      'both',
    );
    expect(Array.from(inputs.z.subarray(0, a.z.length))).toEqual(Array.from(a.z));
    expect(Array.from(inputs.z.subarray((steps - 1) * a.z.length))).toEqual(Array.from(b.z.map((v) => Math.fround(v))));
    const images = generateFromInputs(model.generator, inputs);
    const all = await pixels(images);
    images.dispose();
    const size = arch.resolution ** 2 * 3;
    const frames = Array.from({ length: steps }, (_, i) => ({
      width: arch.resolution,
      height: arch.resolution,
      data: all.subarray(i * size, (i + 1) * size),
    }));
    const gif = new GifReader(Buffer.from(encodeGif(frames, 100)));
    expect(gif.numFrames()).toBe(steps);
    expect([gif.width, gif.height]).toEqual([arch.resolution, arch.resolution]);
    expect(gif.frameInfo(0).delay).toBe(10);
    model.generator.dispose();
  });

  it('refuses silly step counts', () => {
    const arch = { numClasses: 3 } as never;
    const e = { z: new Float32Array(2), classes: [{ index: 0, weight: 1 }], truncation: 1 };
    expect(() => interpolationInputs(arch, e, e, 1, 'z')).toThrow(/Steps must be/);
    expect(() => interpolationInputs(arch, e, e, 10_000, 'z')).toThrow(/Steps must be/);
  });
});

describe('version', () => {
  it('matches package.json', () => {
    expect(APP_VERSION).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });
});
