import { CheckpointFormatError } from '../errors';
import type { ByteSource } from './byte_source';
import { ELEMENT_SIZE } from './dtype';
import type { TensorRef } from './torch_globals';
import type { StorageDtype } from './types';

/**
 * The container-independent description of a checkpoint: tensors as views into storages, with
 * every number validated, before any tensor byte is read. Each container (zip, legacy,
 * safetensors) produces these; `load_tensors` reads them.
 */

/** 2^31 - 1 float32 values is 8 GB: no generator tensor comes near, so more means corruption. */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

export interface StorageSpan {
  /** How messages name the storage, e.g. `storage "3" (archive/data/3)`. */
  readonly label: string;
  readonly dtype: StorageDtype;
  /** Elements actually present in the file (not what the pickle claims). */
  readonly numel: number;
  /** File position, used only to read storages in file order. */
  readonly fileOffset: number;
  /**
   * Raw little-endian bytes of elements [start, start + count); may share memory with the source,
   * or be a view of `scratch` (see ByteSource.read).
   */
  readElements(start: number, count: number, scratch?: Uint8Array): Promise<Uint8Array>;
  /** The same, written into `target` (whose length fixes the count): lets data land in its final array. */
  readElementsInto(start: number, target: Uint8Array): Promise<void>;
}

/** A storage whose bytes lie in one run of the file, starting at `dataOffset`. */
export function storageInFile(
  source: ByteSource,
  fields: Pick<StorageSpan, 'label' | 'dtype' | 'numel' | 'fileOffset'>,
  dataOffset: number | (() => Promise<number>),
): StorageSpan {
  const elem = ELEMENT_SIZE[fields.dtype];
  let start: Promise<number> | undefined;
  const base = (): Promise<number> =>
    typeof dataOffset === 'number' ? Promise.resolve(dataOffset) : (start ??= dataOffset());
  return {
    ...fields,
    readElements: async (first, count, scratch) => source.read((await base()) + first * elem, count * elem, scratch),
    readElementsInto: async (first, target) => source.readInto((await base()) + first * elem, target),
  };
}

/** A storage that is a window [offset, offset + numel) of another (legacy storage views). */
export function storageWindow(root: StorageSpan, label: string, offset: number, numel: number): StorageSpan {
  return {
    label,
    dtype: root.dtype,
    numel,
    fileOffset: root.fileOffset + offset * ELEMENT_SIZE[root.dtype],
    readElements: (first, count, scratch) => root.readElements(offset + first, count, scratch),
    readElementsInto: (first, target) => root.readElementsInto(offset + first, target),
  };
}

export interface TensorView {
  readonly name: string;
  readonly storage: StorageSpan;
  /** In elements of the storage. */
  readonly storageOffset: number;
  readonly shape: number[];
  /** In elements; need not be row-major (released BigGAN-deep files hold transposed views). */
  readonly stride: number[];
}

export function isStorageSpan(value: unknown): value is StorageSpan {
  return typeof value === 'object' && value !== null && typeof (value as StorageSpan).readElements === 'function';
}

/** Validates what `_rebuild_tensor_v2` was given and pairs it with its resolved storage. */
export function tensorViewFromRef(
  name: string,
  ref: TensorRef,
  resolveStorage: (storage: unknown, tensorName: string) => StorageSpan,
): TensorView {
  const bad = (problem: string): never => {
    throw new CheckpointFormatError(
      `Tensor "${name}" (pickle byte offset ${ref.pickleOffset}) ${problem}. The file is corrupt.`,
    );
  };
  const storageOffset = asCount(ref.storageOffset) ?? bad(`has an invalid storage offset ${show(ref.storageOffset)}`);
  const shape = asCounts(ref.size) ?? bad(`has an invalid size ${show(ref.size)}`);
  const stride = asCounts(ref.stride) ?? bad(`has an invalid stride ${show(ref.stride)}`);
  if (shape.length !== stride.length) {
    bad(`has ${shape.length} sizes but ${stride.length} strides`);
  }
  const numel = shape.reduce((n, s) => n * s, 1);
  if (numel > MAX_TENSOR_ELEMENTS) {
    bad(`has shape [${shape.join(', ')}] (${numel} elements), far beyond any model tensor`);
  }
  return { name, storage: resolveStorage(ref.storage, name), storageOffset, shape, stride };
}

function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function asCounts(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (const v of value) {
    const n = asCount(v);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
