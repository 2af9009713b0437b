/** `biggan sample`: draw samples to PNG (one per sample or a grid) or raw float32 .npy. */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { classesForModel } from '../../core/classes/model_classes';
import { parseClassSpec } from '../../core/classes/class_search';
import { SettingsError } from '../../core/errors';
import { encodePng, tileImages, type RgbImage } from '../../core/export/png';
import { readNpy, writeNpy } from '../../core/io/npy';
import { checkTruncation, DEFAULT_TRUNCATION_MODE, TRUNCATION_MODES, type TruncationMode } from '../../core/latent/truncation';
import type { LoadedModel } from '../../core/model/load_generator';
import { generateFromInputs, inputsFromSettings, toUint8Rgb, type RawInputs, type SampleSettings } from '../../core/sampling/sample';
import { DEFAULT_MODEL_PATH } from '../default_model';
import { loadModelFromPath } from '../model_files';
import { useBackend } from '../tf_node';

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new SettingsError(`--${name} must be a number; got '${value}'.`);
  return n;
}

function npyMatrix(path: string, cols: number, what: string): { rows: number; data: Float32Array } {
  const a = readNpy(readFileSync(path), path);
  const rows = a.shape.length === 1 ? 1 : a.shape[0];
  if (a.shape.length > 2 || a.data.length !== rows * cols) {
    throw new SettingsError(`${path}: ${what} must have shape [N, ${cols}]; it has [${a.shape.join(', ')}].`);
  }
  return { rows, data: a.data };
}

/** Inputs given exactly as arrays (--z/--class-vector), for parity work. */
function exactInputs(model: LoadedModel, zPath: string, classPath: string | undefined, truncation: number | undefined): RawInputs {
  const arch = model.generator.architecture;
  if (!classPath) throw new SettingsError('--z needs --class-vector too (float32 .npy, [N, numClasses]).');
  const zDim = arch.family === 'biggan' ? arch.dimZ : arch.zDim;
  const z = npyMatrix(zPath, zDim, 'z');
  const c = npyMatrix(classPath, arch.numClasses, 'the class vector');
  if (z.rows !== c.rows) throw new SettingsError(`--z has ${z.rows} rows but --class-vector has ${c.rows}.`);
  if (arch.family === 'biggan-deep' && truncation === undefined) {
    throw new SettingsError('BigGAN-deep needs --truncation with --z: it selects the batch-norm statistics.');
  }
  if (truncation !== undefined) checkTruncation(truncation);
  return { z: z.data, classVector: c.data, batch: z.rows, truncation: truncation ?? 1 };
}

export async function sampleCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      config: { type: 'string' },
      class: { type: 'string' },
      truncation: { type: 'string' },
      'truncation-mode': { type: 'string', default: DEFAULT_TRUNCATION_MODE },
      seed: { type: 'string', default: '0' },
      batch: { type: 'string', default: '1' },
      out: { type: 'string' },
      grid: { type: 'boolean', default: false },
      z: { type: 'string' },
      'class-vector': { type: 'string' },
      'out-npy': { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  const mode = values['truncation-mode'] as TruncationMode;
  if (!TRUNCATION_MODES.includes(mode)) throw new SettingsError(`--truncation-mode must be scaled or threshold; got '${mode}'.`);
  const truncation = number(values.truncation, 'truncation');
  const backend = await useBackend(values.backend!);
  const model = await loadModelFromPath(values.model ?? DEFAULT_MODEL_PATH, values.config);
  try {
    let inputs: RawInputs;
    let settings: SampleSettings | undefined;
    if (values.z) {
      inputs = exactInputs(model, values.z, values['class-vector'], truncation);
    } else {
      const classes = classesForModel(model.topology);
      settings = {
        classes: parseClassSpec(values.class ?? '0', classes),
        truncation: truncation ?? 0.4,
        mode,
        seed: number(values.seed, 'seed')!,
        batch: number(values.batch, 'batch')!,
      };
      inputs = inputsFromSettings(model.generator, settings);
    }
    const images = generateFromInputs(model.generator, inputs);
    const [n, h, w] = images.shape;
    if (values['out-npy']) {
      const raw = (await images.data()) as Float32Array;
      await writeOutput(values['out-npy'], writeNpy({ shape: [n, h, w, 3], data: raw }));
      console.log(`wrote ${values['out-npy']}: float32 [${n}, ${h}, ${w}, 3]`);
    }
    if (values.out || !values['out-npy']) {
      const bytes = toUint8Rgb(images);
      const pixels = Uint8Array.from(await bytes.data());
      bytes.dispose();
      const frames: RgbImage[] = [];
      for (let i = 0; i < n; i++) frames.push({ width: w, height: h, data: pixels.subarray(i * h * w * 3, (i + 1) * h * w * 3) });
      const meta = (i: number | null) => ({
        biggan: JSON.stringify({
          app: 'biggan-explorer',
          model: { hash: model.topology.contentHash, family: model.topology.architecture.family },
          ...(settings ? { ...settings, seed: i === null ? settings.seed : settings.seed + i, batch: i === null ? settings.batch : 1 } : {}),
          backend,
        }),
      });
      const out = values.out ?? 'sample.png';
      if (values.grid || n === 1) {
        const img = n === 1 ? frames[0] : tileImages(frames, Math.ceil(Math.sqrt(n)));
        await writeOutput(out, encodePng(img, meta(n === 1 ? 0 : null)));
        console.log(`wrote ${out}: ${img.width}x${img.height}`);
      } else {
        for (let i = 0; i < n; i++) {
          const file = out.replace(/(\.png)?$/i, `-${i}.png`);
          await writeOutput(file, encodePng(frames[i], meta(i)));
          console.log(`wrote ${file}: ${w}x${h}`);
        }
      }
    }
    images.dispose();
    return 0;
  } finally {
    model.generator.dispose();
  }
}

async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path) || '.', { recursive: true });
  await writeFile(path, bytes);
}
