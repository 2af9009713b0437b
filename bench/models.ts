/**
 * Benchmark models: full-size generators of the released shapes, with the same weights on every
 * side. bench/torch_baseline.py draws them (seeded, fan-in scaled) and saves them as a checkpoint of
 * the reference layout with torch.save; ours loads that file the way a user's is loaded (read,
 * spectral norm folded, converted to our folder: `biggan convert`), and the ONNX Runtime peers run
 * torch's net exported from it. Each engine checks its image against torch's before it is timed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../src/core/model/load_generator';
import type { RawInputs } from '../src/core/sampling/sample';
import { zDimOf, type Architecture } from '../src/core/config/architecture';
import { convertCheckpointFile, loadModelFromPath, serialize, writeModelDir } from '../src/cli/model_files';

export interface BenchModel {
  id: string;
  /** Key list in tests/fixtures/reference/keys (bench/gpu packs these). */
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
  { id: 'tfhub128', keys: 'keys_tfhub-biggan-128.tsv', torch: 'tfhub128', resolution: 128 },
];

export function benchModel(id: string): BenchModel {
  const m = BENCH_MODELS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model '${id}'; one of ${BENCH_MODELS.map((x) => x.id).join(', ')}`);
  return m;
}

/** Where checkpoints, converted folders and ONNX graphs are kept between runs (~0.2-0.3 GB each). */
export function benchDir(): string {
  return process.env.BIGGAN_BENCH_MODELS ?? join(tmpdir(), 'biggan-bench-models');
}

const TORCH_BASELINE = join(import.meta.dirname, 'torch_baseline.py');

async function torchBaseline(args: string[]): Promise<void> {
  mkdirSync(benchDir(), { recursive: true });
  await promisify(execFile)('/usr/bin/python3', [TORCH_BASELINE, ...args], { maxBuffer: 64 * 2 ** 20 });
}

/** The weights as torch.save wrote them (`<id>.pt`), with torch's image for a batch of 1 beside it. */
export async function ensureCheckpoint(m: BenchModel): Promise<string> {
  const path = join(benchDir(), `${m.id}.pt`);
  if (!existsSync(`${path}.json`)) await torchBaseline(['--model', m.torch, '--save-checkpoint', path, '--batch', '1']);
  return path;
}

/** The checkpoint converted to our folder (model.json + shards), as `biggan convert` writes it. */
export function modelDir(m: BenchModel): string {
  return join(benchDir(), `${m.id}.pt.converted`);
}

export async function ensureModelDir(m: BenchModel): Promise<string> {
  const dir = modelDir(m);
  if (existsSync(join(dir, 'model.json'))) return dir;
  const { converted } = await convertCheckpointFile(await ensureCheckpoint(m), undefined, true);
  await writeModelDir(dir, await serialize(converted, { generatedBy: 'bench/models.ts from torch_baseline.py' }));
  return dir;
}

/** Loads the converted folder the way `biggan sample` does, so the process's memory is the CLI's. */
export async function loadBenchModel(m: BenchModel): Promise<LoadedModel> {
  return loadModelFromPath(await ensureModelDir(m));
}

/** Inputs torch ran on these weights and the image it computed for them (see torch_baseline.py). */
export interface TorchCase {
  meta: { batch: number; inputs: Record<string, number[]>; truncation: number };
  inputFiles: Record<string, string>;
  torchImage: string;
}

export function readTorchCase(path: string): TorchCase {
  const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as TorchCase['meta'];
  const inputFiles = Object.fromEntries(Object.keys(meta.inputs).map((k) => [k, `${path}.${k}.f32`]));
  return { meta, inputFiles, torchImage: `${path}.image.f32` };
}

export function readF32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** max |a - b|; Infinity when the sizes differ (an engine that computes another shape is off). */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max |ours - torch| for the case's inputs: ours in NHWC, torch's image NCHW. */
export async function maxDiffVsTorch(loaded: LoadedModel, c: TorchCase): Promise<number> {
  const [n, zDim] = c.meta.inputs.z;
  const z = tf.tensor2d(readF32(c.inputFiles.z), [n, zDim]);
  const classVector = tf.tensor2d(readF32(c.inputFiles.class_vector), c.meta.inputs.class_vector as [number, number]);
  const out = loaded.generator.generate({ z, classVector, truncation: c.meta.truncation });
  const nchw = tf.transpose(out, [0, 3, 1, 2]);
  const ours = (await nchw.data()) as Float32Array;
  tf.dispose([z, classVector, out, nchw]);
  return maxAbsDiff(ours, readF32(c.torchImage));
}

/** Deterministic inputs: unit-scale z, one-hot classes, truncation 0.5 (BigGAN-deep: two BN-stat rows blended). */
export function benchRawInputs(a: Architecture, batch: number): RawInputs {
  const zDim = zDimOf(a);
  const z = new Float32Array(batch * zDim);
  let s = 12345;
  for (let i = 0; i < z.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    z[i] = ((s / 2 ** 32) * 2 - 1) * 0.8;
  }
  const cls = new Float32Array(batch * a.numClasses);
  for (let b = 0; b < batch; b++) cls[b * a.numClasses + ((b * 97 + 1) % a.numClasses)] = 1;
  // BigGAN-deep and TF Hub BigGAN blend two statistics rows at 0.5, as torch_baseline.py's inputs do.
  return { z, classVector: cls, batch, truncation: a.family === 'biggan' ? 1 : 0.5 };
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
export interface OnnxGraph extends TorchCase {
  onnx: string;
}

/**
 * Exports torch's net on the benchmark checkpoint unless it is there (~200 MB for deep-128, a few
 * seconds), one graph per batch size: the ONNX Runtime peers then compute what torch times.
 */
export async function ensureOnnx(m: BenchModel, batch: number): Promise<OnnxGraph> {
  const checkpoint = await ensureCheckpoint(m);
  const onnx = `${checkpoint}.b${batch}.onnx`;
  if (!existsSync(`${onnx}.json`)) {
    await torchBaseline([
      '--model',
      m.torch,
      '--checkpoint',
      checkpoint,
      '--export-onnx',
      onnx,
      '--batch',
      String(batch),
    ]);
  }
  return { onnx, ...readTorchCase(onnx) };
}
