import { CheckpointFormatError } from '../errors';
import {
  MAX_DECLARED_ELEMENTS,
  MAX_EXPANSION_BYTES,
  MAX_TENSOR_ELEMENTS,
  MAX_TENSOR_RANK,
  MAX_TENSORS,
} from '../limits';
import { quoteUntrusted, showUntrusted } from '../show_untrusted';
import type { ByteSource } from './byte_source';
import { ELEMENT_SIZE } from './dtype';
import type { TensorRef } from './torch_globals';
import type { StorageDtype } from './types';

/**
 * The container-independent description of a checkpoint: tensors as views into storages, with
 * every number validated, before any tensor byte is read. Each container (zip, legacy,
 * safetensors) produces these; `load_tensors` reads them.
 */

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
      `Tensor ${quoteUntrusted(name)} (pickle byte offset ${ref.pickleOffset}) ${problem}. The file is corrupt.`,
    );
  };
  const storageOffset =
    asCount(ref.storageOffset) ?? bad(`has an invalid storage offset ${showUntrusted(ref.storageOffset)}`);
  const shape = asCounts(ref.size) ?? bad(`has an invalid size ${showUntrusted(ref.size)}`);
  const stride = asCounts(ref.stride) ?? bad(`has an invalid stride ${showUntrusted(ref.stride)}`);
  if (shape.length > MAX_TENSOR_RANK) bad(`has ${shape.length} dimensions; at most ${MAX_TENSOR_RANK} are supported`);
  if (shape.length !== stride.length) {
    bad(`has ${shape.length} sizes but ${stride.length} strides`);
  }
  const numel = shape.reduce((n, s) => n * s, 1);
  if (numel > MAX_TENSOR_ELEMENTS) {
    bad(`has shape ${showUntrusted(shape)} (${numel} elements), far beyond any model tensor`);
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

/**
 * Limits on the checkpoint as a whole, before anything is read: how many tensors, how many
 * elements they declare, and how much float32 they would take against the file's own size (only
 * aliased or repeating views can take more than 4x the file, each dtype widening at most 4x).
 */
export function checkCheckpointTotals(views: readonly TensorView[], fileSize: number): void {
  if (views.length > MAX_TENSORS) {
    throw new CheckpointFormatError(
      `The checkpoint holds ${views.length} tensors; at most ${MAX_TENSORS} are read (the largest BigGAN has 698). ` +
        'The file is corrupt or not a BigGAN checkpoint.',
    );
  }
  let elements = 0;
  for (const view of views) elements += view.shape.reduce((n, s) => n * s, 1);
  if (elements > MAX_DECLARED_ELEMENTS) {
    throw new CheckpointFormatError(
      `The checkpoint's tensors declare ${elements} elements in all; at most ${MAX_DECLARED_ELEMENTS} are read ` +
        '(BigGAN-deep-512 has 56 million). The file is corrupt or not a BigGAN checkpoint.',
    );
  }
  const bytes = elements * 4;
  const allowed = 4 * fileSize + MAX_EXPANSION_BYTES;
  if (bytes > allowed) {
    throw new CheckpointFormatError(
      `The checkpoint's tensors would take ${Math.round(bytes / 2 ** 20)} MB as float32, from a file of ` +
        `${Math.round(fileSize / 2 ** 20)} MB: they share or repeat storage far more than a generator's weights ` +
        `do (at most 4x the file plus ${MAX_EXPANSION_BYTES >> 20} MB is allowed). The file is corrupt or was crafted.`,
    );
  }
}
