/**
 * Our model format: a `model.json` whose `modelTopology` holds our architecture description and
 * whose `weightsManifest` is a standard TensorFlow.js manifest, plus binary shards. Any tf.io
 * loader (HTTP with progress, IndexedDB, browser files) reads it unchanged.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Architecture, Family } from '../config/architecture';
import type { NamedWeight } from '../convert/convert';
import { ModelFormatError } from '../errors';
import { validateArchitecture } from '../config/validate_architecture';
import { encodeFloat16 } from './float16';

export const MODEL_FORMAT = 'biggan-explorer-model';
const FAMILIES: readonly Family[] = ['biggan-deep', 'biggan', 'biggan-tfhub'];
export const MODEL_FORMAT_VERSION = 1;
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export type WeightStorageDtype = 'float32' | 'float16';

/** What we keep in model.json's `modelTopology`. */
export interface ModelTopology {
  formatVersion: number;
  architecture: Architecture;
  /** Names of the classes in index order; absent for ImageNet models (the app ships those). */
  classNames?: string[];
  weightsDtype: WeightStorageDtype;
  /** SHA-256 of the weight bytes, hex: identifies the exact weights (export metadata, caches). */
  contentHash: string;
  source?: { file?: string; container?: string; notes?: string[] };
}

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  generatedBy: string;
  convertedBy: string;
  modelTopology: ModelTopology;
  weightsManifest: tf.io.WeightsManifestConfig;
}

export interface SerializedModel {
  modelJson: ModelJson;
  shards: { path: string; bytes: Uint8Array }[];
}

export interface SerializeOptions {
  dtype?: WeightStorageDtype;
  shardBytes?: number;
  classNames?: string[];
  source?: ModelTopology['source'];
  generatedBy?: string;
  digest?: Digest;
}

/** SHA-256 of some bytes; WebCrypto by default, Node's faster native hash where the caller has it. */
export type Digest = (bytes: Uint8Array) => Promise<Uint8Array>;

export const webCryptoDigest: Digest = async (bytes) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

/** The weights' bytes as one run: a view when they already sit back to back in one buffer (the converter's output). */
function weightBytes(weights: NamedWeight[], dtype: WeightStorageDtype): Uint8Array {
  if (dtype === 'float32' && weights.length > 0) {
    const first = weights[0].data;
    let end = first.byteOffset;
    const consecutive = weights.every((w) => {
      const ok = w.data.buffer === first.buffer && w.data.byteOffset === end;
      end += w.data.byteLength;
      return ok;
    });
    if (consecutive) return new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
  }
  const size = dtype === 'float16' ? 2 : 4;
  const out = new Uint8Array(weights.reduce((a, w) => a + w.data.length * size, 0));
  let at = 0;
  for (const w of weights) {
    const arr = dtype === 'float16' ? encodeFloat16(w.data) : w.data;
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), at);
    at += arr.byteLength;
  }
  return out;
}

/** Cuts the weights into shards of at most `shardBytes` (a weight may straddle shards, as tf.io allows). */
export async function serializeModel(
  architecture: Architecture,
  weights: NamedWeight[],
  opts: SerializeOptions = {},
): Promise<SerializedModel> {
  const dtype = opts.dtype ?? 'float32';
  const shardBytes = opts.shardBytes ?? DEFAULT_SHARD_BYTES;
  const bytes = weightBytes(weights, dtype);
  const count = Math.max(1, Math.ceil(bytes.length / shardBytes));
  const shards = Array.from({ length: count }, (_, i) => bytes.subarray(i * shardBytes, (i + 1) * shardBytes));
  const paths = shards.map((_, i) => `group1-shard${i + 1}of${count}.bin`);
  const specs: tf.io.WeightsManifestEntry[] = weights.map((w) =>
    dtype === 'float16'
      ? { name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'float16' } }
      : { name: w.name, shape: w.shape, dtype: 'float32' },
  );
  const modelJson: ModelJson = {
    format: MODEL_FORMAT,
    generatedBy: opts.generatedBy ?? 'biggan-explorer',
    convertedBy: 'biggan convert',
    modelTopology: {
      formatVersion: MODEL_FORMAT_VERSION,
      architecture,
      ...(opts.classNames ? { classNames: opts.classNames } : {}),
      weightsDtype: dtype,
      contentHash: await contentHash(shards, opts.digest ?? webCryptoDigest),
      ...(opts.source ? { source: opts.source } : {}),
    },
    weightsManifest: [{ paths, weights: specs }],
  };
  return { modelJson, shards: paths.map((path, i) => ({ path, bytes: shards[i] })) };
}

/** SHA-256 of the shards' SHA-256s: WebCrypto has no streaming digest, and one 230 MB copy is waste. */
async function contentHash(shards: Uint8Array[], digest: Digest): Promise<string> {
  const joined = new Uint8Array(shards.length * 32);
  for (let i = 0; i < shards.length; i++) joined.set(await digest(shards[i]), i * 32);
  return [...(await digest(joined))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks that a model.json (or the artifacts a tf.io loader made from it) is ours. */
export function readTopology(topology: unknown): ModelTopology {
  if (typeof topology !== 'object' || topology === null || topology instanceof ArrayBuffer) {
    throw new ModelFormatError(
      'This model.json has no BigGAN Explorer description (modelTopology). It may be a different ' +
        'TensorFlow.js model; convert a BigGAN checkpoint with `npx biggan convert`.',
    );
  }
  const t = topology as Partial<ModelTopology>;
  if (t.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelFormatError(
      `This model.json has format version ${String(t.formatVersion)}; this app reads version ` +
        `${MODEL_FORMAT_VERSION}. Convert the checkpoint again with this version of the tool.`,
    );
  }
  const a = t.architecture as Partial<Architecture> | undefined;
  if (!a || !FAMILIES.includes(a.family as Family)) {
    throw new ModelFormatError(`Unknown model family '${String(a?.family)}' in model.json.`);
  }
  validateArchitecture(a as Architecture);
  if (t.classNames !== undefined && (!Array.isArray(t.classNames) || t.classNames.length !== a.numClasses)) {
    throw new ModelFormatError(`model.json lists ${t.classNames?.length} class names for ${a.numClasses} classes.`);
  }
  return t as ModelTopology;
}
