/**
 * The fast paths the released models take, forced on the narrow fixture models through
 * GeneratorOptions: sub-batches (a batch cut under an activation limit), the phase-split upsample
 * conv, and the wasm backend's fast Slice kernel against the stock one. Every image of a batch must
 * match its reference output within 1e-4, and the paths must leave no tensor behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deepArchitectureFromConfig } from '../src/core/config/biggan_deep_config';
import { SettingsError } from '../src/core/errors';
import { DEFAULT_ACTIVATION_LIMIT, largestActivation, maxSubBatch, subBatchSize } from '../src/core/nets/batch_chunks';
import type { GeneratorOptions } from '../src/core/nets/generator';
import { installFastWasmSlice, restoreStockWasmSlice } from '../src/core/nets/wasm_slice';
import type { LoadedModel } from '../src/core/model/load_generator';
import { NODE_BACKENDS, setBackend } from './helpers/backends';
import { caseNames, maxAbsDiff, nchwToNhwc, readCase, readFixtureNpy, type FixtureFamily } from './helpers/fixtures';
import { loadFixtureModel, serializeFixture } from './helpers/models';
import { artifactsFromSerialized } from '../src/core/model/in_memory_artifacts';
import { loadGenerator } from '../src/core/model/load_generator';

const TOLERANCE = 1e-4;
const FAMILIES = ['biggan-deep', 'biggan'] as const;

/** The fixture cases as batches of at least 3 (BigGAN-deep: one batch per truncation). */
function fixtureBatches(family: FixtureFamily): { names: string[]; truncation: number }[] {
  const groups = new Map<number, string[]>();
  for (const name of caseNames(family)) {
    const t = family === 'biggan-deep' ? (readCase(family, name).truncation ?? 1) : 1;
    groups.set(t, [...(groups.get(t) ?? []), name]);
  }
  return [...groups].map(([truncation, names]) => ({
    names: Array.from({ length: Math.max(3, names.length) }, (_, i) => names[i % names.length]),
    truncation,
  }));
}

function batchInputs(family: FixtureFamily, names: string[], truncation: number) {
  const rows = (file: string) => {
    const arrays = names.map((n) => readFixtureNpy(family, 'cases', n, file));
    const data = new Float32Array(arrays.reduce((a, x) => a + x.data.length, 0));
    arrays.forEach((x, i) => data.set(x.data, i * x.data.length));
    return tf.tensor2d(data, [names.length, arrays[0].shape[1]]);
  };
  return { z: rows('z.npy'), classVector: rows('class.npy'), truncation };
}

/** Runs every fixture batch; returns the worst error against the references. */
async function worstError(model: LoadedModel, family: FixtureFamily): Promise<number> {
  let worst = 0;
  for (const { names, truncation } of fixtureBatches(family)) {
    const inputs = batchInputs(family, names, truncation);
    const out = model.generator.generate(inputs);
    const got = (await out.data()) as Float32Array;
    tf.dispose([inputs.z, inputs.classVector, out]);
    const per = got.length / names.length;
    names.forEach((name, i) => {
      const want = nchwToNhwc(readFixtureNpy(family, 'cases', name, 'out_nchw.npy'));
      worst = Math.max(worst, maxAbsDiff(got.subarray(i * per, (i + 1) * per), want));
    });
  }
  return worst;
}

/** Room for exactly two images of `family` per sub-batch. */
async function twoImageLimit(family: FixtureFamily): Promise<number> {
  const model = await loadFixtureModel(family);
  const bytes = 2 * 4 * largestActivation(model.generator.architecture);
  model.generator.dispose();
  return bytes;
}

async function loadWith(family: FixtureFamily, options: GeneratorOptions): Promise<LoadedModel> {
  return loadGenerator(artifactsFromSerialized(await serializeFixture(family)), options);
}

const FORCED: [string, (twoImages: number) => GeneratorOptions][] = [
  ['whole batch, plain upsample convs', () => ({})],
  ['sub-batches of 2', (limit) => ({ maxActivationBytes: limit })],
  ['phase-split upsample convs', () => ({ phaseConvMinChannels: 1 })],
  ['sub-batches of 2 and phase-split convs', (limit) => ({ maxActivationBytes: limit, phaseConvMinChannels: 1 })],
];

// The cpu backend is slow: it takes the path that combines both, the reference for the others.
describe.each(NODE_BACKENDS)('on the %s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  describe.each(FAMILIES)('%s', (family) => {
    const paths = backend === 'cpu' ? FORCED.slice(-1) : FORCED;
    it.each(paths)(
      `%s: every image within ${TOLERANCE} of its reference; load, run, dispose leaves no tensor`,
      async (_, options) => {
        const opts = options(await twoImageLimit(family));
        const before = tf.memory().numTensors;
        const model = await loadWith(family, opts);
        try {
          if (opts.maxActivationBytes)
            expect(subBatchSize(model.generator.architecture, opts.maxActivationBytes)).toBe(2);
          expect(await worstError(model, family)).toBeLessThan(TOLERANCE);
        } finally {
          model.generator.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      },
    );
  });
});

describe('the wasm backend fast Slice kernel', () => {
  beforeAll(() => setBackend('wasm'));
  afterEach(() => installFastWasmSlice());
  afterAll(() => installFastWasmSlice());

  /** Slices of a [3, 5, 7, 40] tensor: contiguous, short runs (<= 16) and long runs (> 16). */
  const SLICES: [number[], number[]][] = [
    [
      [1, 0, 0, 0],
      [1, -1, -1, -1],
    ],
    [
      [0, 1, 2, 0],
      [3, 3, 4, 40],
    ],
    [
      [2, 4, 6, 5],
      [1, 1, 1, 7],
    ],
    [
      [0, 0, 0, 3],
      [-1, -1, -1, 10],
    ],
    [
      [0, 2, 1, 1],
      [2, 2, 5, 30],
    ],
    [
      [1, 1, 1, 1],
      [0, 2, 2, 2],
    ],
  ];

  async function slices(): Promise<Float32Array[]> {
    const x = tf.tidy(() => tf.randomUniform([3, 5, 7, 40], -1, 1, 'float32', 7));
    const outs = SLICES.map(([begin, size]) => tf.slice(x, begin, size));
    const values = await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array));
    tf.dispose([x, ...outs]);
    return values;
  }

  it('is installed by the backend setup', () => {
    // Installing again reports it already there and changes nothing.
    expect(installFastWasmSlice()).toBe(true);
  });

  it('gives the stock kernel slices bit for bit', async () => {
    const fast = await slices();
    restoreStockWasmSlice();
    const stock = await slices();
    fast.forEach((f, i) => expect(Array.from(f)).toEqual(Array.from(stock[i])));
  });

  it.each(FAMILIES)('%s: the same images as the stock kernel, bit for bit, in sub-batches', async (family) => {
    const model = await loadWith(family, { maxActivationBytes: await twoImageLimit(family) });
    const { names, truncation } = fixtureBatches(family)[0];
    const run = async () => {
      const inputs = batchInputs(family, names, truncation);
      const out = model.generator.generate(inputs);
      const data = (await out.data()) as Float32Array;
      tf.dispose([inputs.z, inputs.classVector, out]);
      return data;
    };
    try {
      const fast = await run();
      restoreStockWasmSlice();
      expect(maxAbsDiff(fast, await run())).toBe(0);
    } finally {
      model.generator.dispose();
    }
  });
});

describe('sub-batch sizes of the released models', () => {
  // pytorch-pretrained-BigGAN's config.json for BigGAN-deep-512 (channel_width 128).
  const deep512 = deepArchitectureFromConfig({
    z_dim: 128,
    class_embed_dim: 128,
    channel_width: 128,
    num_classes: 1000,
    layers: [
      [false, 16, 16],
      [true, 16, 16],
      [false, 16, 16],
      [true, 16, 8],
      [false, 8, 8],
      [true, 8, 8],
      [false, 8, 8],
      [true, 8, 4],
      [false, 4, 4],
      [true, 4, 2],
      [false, 2, 2],
      [true, 2, 1],
      [false, 1, 1],
      [true, 1, 1],
    ],
    attention_layer_position: 8,
    eps: 1e-4,
    n_stats: 51,
  });
  const defaultWebGpu = { bytes: Math.min(128 * 2 ** 20, 256 * 2 ** 20), hard: true };

  it("BigGAN-deep-512's widest activation is the 128-channel 512x512 map, 128 MiB per image", () => {
    expect(largestActivation(deep512) * 4).toBe(128 * 2 ** 20);
  });

  it('runs BigGAN-deep-512 one image at a time under WebGPU default limits (and on wasm)', () => {
    expect(maxSubBatch(deep512, defaultWebGpu)).toBe(1);
    expect(maxSubBatch(deep512, { bytes: DEFAULT_ACTIVATION_LIMIT, hard: false })).toBe(1);
  });

  it('refuses with a clear error when one image exceeds a GPU buffer limit', () => {
    const tooSmall = { bytes: 64 * 2 ** 20, hard: true };
    expect(() => maxSubBatch(deep512, tooSmall)).toThrow(SettingsError);
    expect(() => maxSubBatch(deep512, tooSmall)).toThrow(
      /needs 128\.0 MiB .* allows 64\.0 MiB per buffer.*wasm backend/,
    );
    // The wasm heap budget is soft: one image still runs.
    expect(maxSubBatch(deep512, { bytes: 64 * 2 ** 20, hard: false })).toBe(1);
  });
});
