/**
 * From a model source (URL of our model.json or of a raw checkpoint, dropped files) to the
 * artifacts a tf.io loader would give, reporting real progress. Raw checkpoints are read and
 * converted here, in the worker, with the same core code the CLI uses.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { openCheckpoint, type CheckpointSource } from '../core/checkpoint';
import { convertOpenCheckpoint } from '../core/convert/convert';
import { ConfigError, ModelFormatError } from '../core/errors';
import { artifactsFromSerialized, artifactsFromShards } from '../core/model/in_memory_artifacts';
import { readTopology, serializeModel, type ModelJson } from '../core/model/model_format';
import { downloadBytes, downloadText } from './download';
import type { LoadProgress } from './protocol';

export interface PreparedModel {
  artifacts: tf.io.ModelArtifacts;
  label: string;
  /** Worth caching: it came from the network or needed a conversion. */
  cacheable: boolean;
}

export interface PrepareContext {
  signal: AbortSignal;
  /** True once cancelled, also while this thread is busy (a shared flag); see protocol's cancelFlag. */
  cancelled: () => boolean;
  progress: (p: LoadProgress) => void;
}

const baseName = (path: string) => decodeURIComponent(path.split(/[?#]/)[0].split('/').filter(Boolean).pop() ?? path);

export function looksLikeModelJson(url: string): boolean {
  return /\.json$/i.test(new URL(url, self.location.href).pathname);
}

/** Bytes a weights manifest describes (float16-quantized weights take 2 bytes each). */
function manifestBytes(json: ModelJson): number {
  let total = 0;
  for (const g of json.weightsManifest) {
    for (const w of g.weights)
      total += w.shape.reduce((a, b) => a + b * 1, 1) * (w.quantization?.dtype === 'float16' ? 2 : 4);
  }
  return total;
}

function parseModelJson(text: string, where: string): ModelJson {
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch {
    throw new ModelFormatError(`${where} is not valid JSON. Point at a converted model.json or a raw checkpoint.`);
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new ModelFormatError(`${where} is JSON but not a TensorFlow.js model.json (no weightsManifest).`);
  }
  readTopology(json.modelTopology);
  return json;
}

async function fromModelJsonUrl(url: string, ctx: PrepareContext): Promise<PreparedModel> {
  const absolute = new URL(url, self.location.href);
  const json = parseModelJson(await downloadText(absolute.href, ctx.signal), baseName(absolute.pathname));
  const total = manifestBytes(json);
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const shards: Uint8Array[] = [];
  let done = 0;
  for (const p of paths) {
    const shardUrl = new URL(p, absolute).href;
    const bytes = await downloadBytes(shardUrl, {
      signal: ctx.signal,
      onProgress: (d) =>
        ctx.progress({
          kind: 'load',
          phase: 'download',
          loaded: done + d.loaded,
          total,
          item: p,
          rate: d.rate,
          resumes: d.resumes,
        }),
    });
    done += bytes.length;
    shards.push(bytes);
  }
  return {
    artifacts: artifactsFromShards(json, shards),
    label: labelFromUrl(absolute),
    cacheable: absolute.origin !== self.location.origin,
  };
}

function labelFromUrl(u: URL): string {
  const parts = u.pathname.split('/').filter(Boolean);
  const file = parts.pop() ?? u.host;
  return file === 'model.json' && parts.length > 0 ? parts.pop()! : file;
}

/** Reads and converts a raw checkpoint: the phases read, convert, pack. */
async function convertCheckpoint(
  source: CheckpointSource,
  configText: string | undefined,
  fileName: string,
  ctx: PrepareContext,
): Promise<tf.io.ModelArtifacts> {
  // Tensor by tensor from the file: the state_dict is never held whole (see convertOpenCheckpoint).
  const checkpoint = await openCheckpoint(source, ctx.signal);
  const { container } = checkpoint;
  let lastReport = 0;
  // The shared flag reaches the conversion mid-way even while this thread is busy.
  const signal = {
    get aborted() {
      return ctx.cancelled();
    },
  } as AbortSignal;
  const converted = await convertOpenCheckpoint(checkpoint, {
    configText,
    signal,
    onProgress: (done, total) => {
      const now = performance.now();
      if (now - lastReport < 50 && done < total) return;
      lastReport = now;
      ctx.progress({ kind: 'load', phase: 'convert', loaded: done, total, item: fileName });
    },
  });
  ctx.progress({ kind: 'load', phase: 'pack', loaded: 0, total: 0, item: fileName });
  const serialized = await serializeModel(converted.architecture, converted.weights, {
    source: { file: fileName, container, notes: converted.notes },
  });
  converted.weights.length = 0;
  return artifactsFromSerialized(serialized);
}

async function fromCheckpointUrl(
  url: string,
  configUrl: string | undefined,
  ctx: PrepareContext,
): Promise<PreparedModel> {
  const absolute = new URL(url, self.location.href);
  const name = baseName(absolute.pathname);
  const configText = configUrl
    ? await downloadText(new URL(configUrl, self.location.href).href, ctx.signal)
    : undefined;
  const bytes = await downloadBytes(absolute.href, {
    signal: ctx.signal,
    onProgress: ({ loaded, total, rate, resumes }) =>
      ctx.progress({ kind: 'load', phase: 'download', loaded, total, item: name, rate, resumes }),
  });
  const artifacts = await convertCheckpoint(bytes, configText, name, ctx);
  return { artifacts, label: labelFromUrl(absolute), cacheable: true };
}

export function prepareFromUrl(
  url: string,
  configUrl: string | undefined,
  ctx: PrepareContext,
): Promise<PreparedModel> {
  return looksLikeModelJson(url) ? fromModelJsonUrl(url, ctx) : fromCheckpointUrl(url, configUrl, ctx);
}

/** Dropped or picked files: our converted folder (model.json + shards), or a checkpoint (+ config.json). */
export async function prepareFromFiles(files: File[], ctx: PrepareContext): Promise<PreparedModel> {
  const modelJson = files.find((f) => f.name === 'model.json');
  if (modelJson) {
    const json = parseModelJson(await modelJson.text(), 'model.json');
    const total = manifestBytes(json);
    const shards: Uint8Array[] = [];
    let done = 0;
    for (const p of json.weightsManifest.flatMap((g) => g.paths)) {
      const file = files.find((f) => f.name === baseName(p));
      if (!file)
        throw new ModelFormatError(
          `model.json lists the shard ${p}, but it was not among the files. Select the whole folder's files.`,
        );
      shards.push(new Uint8Array(await file.arrayBuffer()));
      done += file.size;
      ctx.progress({ kind: 'load', phase: 'read', loaded: done, total, item: file.name });
    }
    const folder = (modelJson as File & { webkitRelativePath?: string }).webkitRelativePath?.split('/')[0];
    return { artifacts: artifactsFromShards(json, shards), label: folder || 'local model', cacheable: false };
  }
  const configs = files.filter((f) => /\.json$/i.test(f.name));
  const checkpoints = files.filter((f) => !/\.json$/i.test(f.name));
  if (checkpoints.length === 0) {
    throw new ModelFormatError(
      'No checkpoint among the files: drop a pytorch_model.bin, .pth or .safetensors (with its config.json), or a model.json with its shards.',
    );
  }
  if (checkpoints.length > 1) {
    throw new ModelFormatError(
      `Several possible checkpoints (${checkpoints.map((f) => f.name).join(', ')}): drop one checkpoint at a time.`,
    );
  }
  if (configs.length > 1)
    throw new ConfigError(`Several JSON files (${configs.map((f) => f.name).join(', ')}): drop only the config.json.`);
  const file = checkpoints[0];
  const configText = configs.length === 1 ? await configs[0].text() : undefined;
  const artifacts = await convertCheckpoint(file, configText, file.name, ctx);
  return { artifacts, label: file.name, cacheable: false };
}
