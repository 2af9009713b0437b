/**
 * Models on disk: our converted folder (model.json + shards) read through a tf.io handler, raw
 * checkpoints converted on the fly, and converted folders written atomically.
 */
import { createHash } from 'node:crypto';
import { existsSync, openAsBlob, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { openCheckpoint, readCheckpoint } from '../core/checkpoint';
import type { ReadCheckpointResult } from '../core/checkpoint/types';
import { convertOpenCheckpoint, type ConvertedModel } from '../core/convert/convert';
import { CheckpointFormatError, ModelFormatError } from '../core/errors';
import { artifactsFromSerialized, artifactsFromShards } from '../core/model/in_memory_artifacts';
import { loadGenerator, type LoadedModel } from '../core/model/load_generator';
import {
  serializeModel,
  type Digest,
  type ModelJson,
  type SerializedModel,
  type SerializeOptions,
} from '../core/model/model_format';
import { ProgressBar, formatBytes } from './progress_bar';

/** Node's native SHA-256: about 5x faster here than WebCrypto's, same digests. */
export const nodeDigest: Digest = async (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest());

export function isModelJson(path: string): boolean {
  return basename(path) === 'model.json' || (existsSync(join(path, 'model.json')) && !path.endsWith('.bin'));
}

export function modelJsonPath(path: string): string {
  return basename(path) === 'model.json' ? path : join(path, 'model.json');
}

export async function readModelJson(path: string): Promise<ModelJson> {
  const file = modelJsonPath(path);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ModelJson;
  } catch (e) {
    throw new ModelFormatError(`Cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Reads model.json and its shards as a tf.io loader would. */
export async function loadArtifactsFromDisk(path: string): Promise<tf.io.ModelArtifacts> {
  const file = modelJsonPath(path);
  const json = await readModelJson(file);
  const shards = (json.weightsManifest ?? [])
    .flatMap((g) => g.paths)
    .map((p) => {
      const full = join(dirname(file), p);
      if (!existsSync(full)) throw new ModelFormatError(`Shard ${p} listed in ${file} is missing.`);
      return readFileSync(full);
    });
  return artifactsFromShards(json, shards);
}

async function openFileBlob(path: string): Promise<Blob> {
  // openAsBlob's own failure is a bare TypeError; stat says which path and why.
  if (!statSync(resolve(path)).isFile()) throw new CheckpointFormatError(`${path} is a folder, not a checkpoint file.`);
  return openAsBlob(resolve(path));
}

export async function readCheckpointFile(path: string, quiet = false): Promise<ReadCheckpointResult> {
  const blob = await openFileBlob(path);
  const bar = quiet ? null : new ProgressBar('read');
  const result = await readCheckpoint(blob, {
    onProgress: (p) => bar?.update(p.loaded, p.total, formatBytes(p.loaded)),
  });
  bar?.done(`${result.tensors.size} tensors, ${formatBytes(blob.size)} (${result.container})`);
  return result;
}

export async function convertCheckpointFile(
  path: string,
  configPath: string | undefined,
  quiet = false,
): Promise<{ converted: ConvertedModel; container: string }> {
  // Tensor by tensor from the file: the whole state_dict is never in memory beside the weights.
  const blob = await openFileBlob(path);
  const checkpoint = await openCheckpoint(blob);
  const bar = quiet ? null : new ProgressBar('convert');
  const converted = await convertOpenCheckpoint(checkpoint, {
    configText: configPath ? await readFile(configPath, 'utf8') : undefined,
    onProgress: (d, t) => bar?.update(d, t),
  });
  bar?.done(`${converted.weights.length} weights from ${formatBytes(blob.size)} (${checkpoint.container})`);
  return { converted, container: checkpoint.container };
}

/** A model.json path, a converted folder or a raw checkpoint (converted in memory). */
export async function loadModelFromPath(path: string, configPath?: string): Promise<LoadedModel> {
  if (isModelJson(path)) return loadGenerator(await loadArtifactsFromDisk(path));
  const { converted } = await convertCheckpointFile(path, configPath, true);
  const serialized = await serializeModel(converted.architecture, converted.weights, { digest: nodeDigest });
  return loadGenerator(artifactsFromSerialized(serialized));
}

export async function serialize(converted: ConvertedModel, opts: SerializeOptions): Promise<SerializedModel> {
  return serializeModel(converted.architecture, converted.weights, { digest: nodeDigest, ...opts });
}

/**
 * Writes into a sibling temporary folder, then renames it into place, so a failure never leaves a
 * half-written model. An existing folder is replaced only if it holds nothing but a model.
 */
export async function writeModelDir(out: string, model: SerializedModel): Promise<void> {
  const target = resolve(out);
  if (existsSync(target)) {
    const entries = await readdir(target);
    const ours = (f: string) => f === 'model.json' || /^group\d+-shard\d+of\d+\.bin$/.test(f);
    const foreign = entries.filter((f) => !ours(f));
    if (foreign.length > 0) {
      throw new ModelFormatError(
        `${out} exists and holds other files (${foreign.slice(0, 3).join(', ')}); choose an empty or new --out folder.`,
      );
    }
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  try {
    for (const s of model.shards) await writeFile(join(tmp, s.path), s.bytes);
    await writeFile(join(tmp, 'model.json'), JSON.stringify(model.modelJson, null, 1));
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
