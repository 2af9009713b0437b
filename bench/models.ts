/**
 * Benchmark models: full-size generators with random weights of the released shapes
 * (bench/random_model.ts), loaded on the current tfjs backend exactly as a converted model is.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../src/core/model/load_generator';
import type { RawInputs } from '../src/core/sampling/sample';
import type { Architecture } from '../src/core/config/architecture';
import { loadModelFromPath, serialize, writeModelDir } from '../src/cli/model_files';
import { randomModel } from './random_model';

export interface BenchModel {
  id: string;
  /** Key list in ../shared/reference/keys. */
  keys: string;
  /** Name passed to bench/torch_baseline.py. */
  torch: string;
  resolution: number;
}

export const BENCH_MODELS: BenchModel[] = [
  { id: 'deep128', keys: 'keys_biggan-deep-128.tsv', torch: 'deep128', resolution: 128 },
  { id: 'deep256', keys: 'keys_biggan-deep-256.tsv', torch: 'deep256', resolution: 256 },
  { id: 'deep512', keys: 'keys_biggan-deep-512.tsv', torch: 'deep512', resolution: 512 },
  { id: 'biggan128', keys: 'keys_bp-biggan-128-ch96.tsv', torch: 'biggan128', resolution: 128 },
];

export function benchModel(id: string): BenchModel {
  const m = BENCH_MODELS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model '${id}'; one of ${BENCH_MODELS.map((x) => x.id).join(', ')}`);
  return m;
}

/** Where the random model is kept between runs (written once, ~210-280 MB each). */
export function modelDir(m: BenchModel): string {
  return join(process.env.BIGGAN_BENCH_MODELS ?? join(tmpdir(), 'biggan-bench-models'), m.id);
}

/** Writes the random full-size model as a converted folder (model.json + shards) unless it exists. */
export async function ensureModelDir(m: BenchModel): Promise<string> {
  const dir = modelDir(m);
  if (existsSync(join(dir, 'model.json'))) return dir;
  const { architecture, weights } = randomModel(m.keys);
  await writeModelDir(
    dir,
    await serialize({ architecture, weights, notes: [] }, { generatedBy: 'bench/random_model.ts' }),
  );
  return dir;
}

/**
 * Loads the random model on the current backend the way `biggan sample` loads a converted folder,
 * so that the process's memory is what the CLI's would be.
 */
export async function loadRandomModel(m: BenchModel): Promise<LoadedModel> {
  return loadModelFromPath(await ensureModelDir(m));
}

/** Deterministic inputs: unit-scale z, one-hot classes, truncation 0.5 (BigGAN-deep: two BN-stat rows blended). */
export function benchRawInputs(a: Architecture, batch: number): RawInputs {
  const zDim = a.family === 'biggan-deep' ? a.zDim : a.dimZ;
  const z = new Float32Array(batch * zDim);
  let s = 12345;
  for (let i = 0; i < z.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    z[i] = ((s / 2 ** 32) * 2 - 1) * 0.8;
  }
  const cls = new Float32Array(batch * a.numClasses);
  for (let b = 0; b < batch; b++) cls[b * a.numClasses + ((b * 97 + 1) % a.numClasses)] = 1;
  return { z, classVector: cls, batch, truncation: a.family === 'biggan-deep' ? 0.5 : 1 };
}

export function benchInputs(
  loaded: LoadedModel,
  batch: number,
): { z: tf.Tensor2D; classVector: tf.Tensor2D; truncation: number } {
  const r = benchRawInputs(loaded.generator.architecture, batch);
  return {
    z: tf.tensor2d(r.z, [batch, r.z.length / batch]),
    classVector: tf.tensor2d(r.classVector, [batch, r.classVector.length / batch]),
    truncation: r.truncation,
  };
}

/** The PyTorch baseline's folded net for one batch size, as ONNX, with its inputs and torch's image. */
export interface OnnxGraph {
  onnx: string;
  meta: { batch: number; inputs: Record<string, number[]>; truncation: number; opset: number };
  inputFiles: Record<string, string>;
  torchImage: string;
}

/**
 * Exports the graph with bench/torch_baseline.py unless it is there (~200 MB for deep-128, a few
 * seconds): the ONNX Runtime peers run torch's own weights, so they compute what torch times.
 */
export async function ensureOnnx(m: BenchModel, batch: number): Promise<OnnxGraph> {
  const onnx = join(dirname(modelDir(m)), `${m.id}-torch-b${batch}.onnx`);
  if (!existsSync(`${onnx}.json`)) {
    mkdirSync(dirname(onnx), { recursive: true });
    const script = join(import.meta.dirname, 'torch_baseline.py');
    await promisify(execFile)(
      '/usr/bin/python3',
      [script, '--model', m.torch, '--export-onnx', onnx, '--batch', String(batch)],
      {
        maxBuffer: 64 * 2 ** 20,
      },
    );
  }
  const meta = JSON.parse(readFileSync(`${onnx}.json`, 'utf8')) as OnnxGraph['meta'];
  const inputFiles = Object.fromEntries(Object.keys(meta.inputs).map((k) => [k, `${onnx}.${k}.f32`]));
  return { onnx, meta, inputFiles, torchImage: `${onnx}.image.f32` };
}
