/**
 * Expands tests/fixtures (the compact copy, made by scripts/compact_fixtures.ts) into the layout of
 * the full reference fixtures, in a temporary folder shared by all test processes:
 *   - `tensors/state_dict.f32` + index, read out of the family's real torch container with our
 *     checkpoint reader and checked, tensor by tensor, against the sha256 of the reference's raw
 *     file (so it is that file, bit for bit, not merely what our reader thinks);
 *   - the family's other container (zip or legacy), written from those tensors by torch_writer.
 * Left out, and only in the full set: the effective (spectral-normalised) weights and the
 * activations of case 0.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../../src/core/checkpoint/read_checkpoint';
import type { CheckpointTensor, StateDict } from '../../src/core/checkpoint/types';
import { concat, float32Bytes, writeLegacy, writeTorchZip, type CheckpointSpec } from './torch_writer';

/** The container kept per family, and the one built from it. */
export const COMPACT_CONTAINERS = {
  'biggan-deep': 'pytorch_model.legacy.bin',
  biggan: 'G.legacy.pth',
  'biggan-tfhub': 'biggan128-release.legacy.pt',
} as const;
const BUILT_CONTAINERS: Record<keyof typeof COMPACT_CONTAINERS, string> = {
  'biggan-deep': 'pytorch_model.zip.bin',
  biggan: 'G.zip.pth',
  'biggan-tfhub': 'biggan128-release.zip.pt',
};

/** sha256 (hex) of a raw tensor file and of each tensor's bytes in it. */
export interface TensorDigests {
  file: string;
  tensors: Record<string, string>;
}

interface RawIndex {
  tensors: Record<string, { offset_bytes: number; shape: number[]; numel: number }>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function expandCompactFixtures(compact: string): Promise<string> {
  const families = Object.keys(COMPACT_CONTAINERS) as (keyof typeof COMPACT_CONTAINERS)[];
  // The folder is named for the compact copy and for the code that expands it, so a change to either
  // makes a new one.
  const inputs = [
    ...families.map((f) => readFileSync(join(compact, f, 'tensors', 'state_dict.sha256.json'))),
    readFileSync(fileURLToPath(import.meta.url)),
    readFileSync(fileURLToPath(new URL('./torch_writer.ts', import.meta.url))),
  ];
  const target = join(tmpdir(), `biggan-fixtures-${sha256(concat(inputs)).slice(0, 32)}`);
  if (existsSync(target)) return target;
  const building = `${target}.${process.pid}-${Date.now()}`;
  try {
    for (const family of families) await expandFamily(join(compact, family), join(building, family), family);
    try {
      renameSync(building, target);
    } catch (e) {
      // Another test process finished first; its copy is the same.
      if (!existsSync(target)) throw e;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return target;
}

async function expandFamily(from: string, to: string, family: keyof typeof COMPACT_CONTAINERS): Promise<void> {
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true });
  const index = JSON.parse(readFileSync(join(from, 'tensors', 'state_dict.index.json'), 'utf8')) as RawIndex;
  const want = JSON.parse(readFileSync(join(from, 'tensors', 'state_dict.sha256.json'), 'utf8')) as TensorDigests;
  const { tensors } = await readCheckpoint(new Uint8Array(readFileSync(join(from, COMPACT_CONTAINERS[family]))));
  const entries = Object.entries(index.tensors);
  const size = entries.reduce((end, [, t]) => Math.max(end, t.offset_bytes + t.numel * 4), 0);
  const raw = new Uint8Array(size);
  for (const [key, t] of entries) {
    const tensor = tensors.get(key);
    if (!tensor) throw new Error(`${family}: ${COMPACT_CONTAINERS[family]} has no tensor ${key}`);
    const bytes = float32Bytes(tensor.data);
    if (sha256(bytes) !== want.tensors[key])
      throw new Error(`${family}: ${key} read from the container is not the reference's tensor`);
    raw.set(bytes, t.offset_bytes);
  }
  if (sha256(raw) !== want.file) throw new Error(`${family}: the rebuilt state_dict.f32 is not the reference's file`);
  writeFileSync(join(to, 'tensors', 'state_dict.f32'), raw);
  const other = BUILT_CONTAINERS[family];
  const spec = specOf(tensors);
  writeFileSync(join(to, other), other.includes('.zip.') ? writeTorchZip(spec) : writeLegacy(spec));
}

/**
 * Every tensor of the real container (the int64 batch counters too, which the raw file leaves
 * out), in its order, each in a contiguous storage of its own dtype.
 */
function specOf(tensors: StateDict): CheckpointSpec {
  const all = [...tensors];
  return {
    storages: all.map(([key, t], i) => ({
      key: String(i),
      dtype: t.dtype,
      numel: t.data.length,
      bytes: storageBytes(key, t),
    })),
    tensors: all.map(([name, t], i) => ({ name, storage: String(i), shape: t.shape })),
  };
}

function storageBytes(key: string, t: CheckpointTensor): Uint8Array {
  if (t.dtype === 'float32') return float32Bytes(t.data);
  if (t.dtype === 'int64') return new Uint8Array(BigInt64Array.from(t.data, (v) => BigInt(v)).buffer);
  throw new Error(`${key}: no writer for ${t.dtype} storages`);
}
