import { CheckpointFormatError } from '../errors';
import { MAX_EXPANSION_BYTES } from '../limits';
import { quoteUntrusted } from '../show_untrusted';
import { ELEMENT_SIZE } from './dtype';
import type { TensorView } from './tensor_view';
import type { StorageDtype } from './types';

/**
 * Turns (storage bytes, dtype, storage_offset, size, stride) into a contiguous row-major
 * Float32Array. This is the hot loop of a 230 MB load, so the contiguous case is a bulk copy or
 * a single typed-array conversion, and the strided case is a tight counter loop with no calls.
 * Typed arrays use the host's byte order; every browser and Node platform in use is little-endian.
 */

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Storage element indices the view touches, inclusive, or null for an empty tensor. */
export function reachableRange(
  view: Pick<TensorView, 'storageOffset' | 'shape' | 'stride'>,
): { first: number; last: number } | null {
  let last = view.storageOffset;
  for (let d = 0; d < view.shape.length; d++) {
    const size = view.shape[d]!;
    if (size === 0) return null;
    last += (size - 1) * view.stride[d]!;
  }
  return { first: view.storageOffset, last };
}

/**
 * Refuses a view that reaches past the end of its storage (a corrupt or truncated file), or that
 * repeats storage elements (stride 0, overlapping strides) so much that copying it out would
 * blow up memory: PyTorch keeps such a view as a view, but we need contiguous data.
 */
export function checkStorageBounds(view: TensorView): void {
  const range = reachableRange(view);
  if (!range) return;
  const needed = range.last + 1;
  const name = quoteUntrusted(view.name);
  if (!Number.isSafeInteger(needed) || needed > view.storage.numel) {
    throw new CheckpointFormatError(
      `Tensor ${name} (shape [${view.shape.join(', ')}], stride [${view.stride.join(', ')}], storage offset ` +
        `${view.storageOffset}) needs ${needed} elements of ${view.storage.label}, but that storage holds only ` +
        `${view.storage.numel}. The file is corrupt or truncated; download it again.`,
    );
  }
  const numel = numelOf(view.shape);
  const span = range.last - range.first + 1;
  if (numel > span && numel * 4 > MAX_EXPANSION_BYTES) {
    throw new CheckpointFormatError(
      `Tensor ${name} (shape [${view.shape.join(', ')}], stride [${view.stride.join(', ')}]) repeats storage elements: ` +
        `its ${numel} elements come from ${span} stored ones, and copying it out would take ` +
        `${Math.round((numel * 4) / 2 ** 20)} MB (at most ${MAX_EXPANSION_BYTES >> 20} MB is allowed for such views). ` +
        'A generator checkpoint holds no such tensor; the file is corrupt or was crafted.',
    );
  }
}

/** Row-major strides skipping size-1 dims (their stride is irrelevant). */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    if (size === 0) return true;
    if (size !== 1 && stride[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/**
 * Gathers one tensor. `bytes` holds storage elements [rangeStart, rangeStart + bytes/elemsize) as
 * raw little-endian values; the view must already have passed `checkStorageBounds`.
 */
export function gatherTensor(
  bytes: Uint8Array,
  dtype: StorageDtype,
  rangeStart: number,
  view: Pick<TensorView, 'storageOffset' | 'shape' | 'stride'>,
): Float32Array {
  const numel = numelOf(view.shape);
  const out = new Float32Array(numel);
  if (numel === 0) return out;
  const elem = ELEMENT_SIZE[dtype];
  const start = view.storageOffset - rangeStart;

  if (isContiguous(view.shape, view.stride)) {
    decodeInto(bytes.subarray(start * elem, (start + numel) * elem), dtype, out);
    return out;
  }
  const count = bytes.byteLength / elem;
  const src = dtype === 'float32' ? float32View(bytes) : decodeInto(bytes, dtype, new Float32Array(count));
  gatherStrided(src, start, view.shape, view.stride, out);
  return out;
}

/** Converts raw little-endian elements to float32 into `out` (exactly: float16/bfloat16 widen losslessly). */
export function decodeInto(bytes: Uint8Array, dtype: StorageDtype, out: Float32Array): Float32Array {
  const n = out.length;
  switch (dtype) {
    case 'float32':
      // A byte copy straight into the output: no alignment needed, no per-element work.
      new Uint8Array(out.buffer, out.byteOffset, n * 4).set(bytes.subarray(0, n * 4));
      break;
    case 'float16': {
      const table = halfTable();
      const halves = aligned(bytes, 2, (b, o, l) => new Uint16Array(b, o, l), n);
      for (let i = 0; i < n; i++) out[i] = table[halves[i]!]!;
      break;
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32: shifting the bits is exact, NaN payloads included.
      const halves = aligned(bytes, 2, (b, o, l) => new Uint16Array(b, o, l), n);
      const bits = new Uint32Array(out.buffer, out.byteOffset, n);
      for (let i = 0; i < n; i++) bits[i] = halves[i]! << 16;
      break;
    }
    case 'float64':
      out.set(aligned(bytes, 8, (b, o, l) => new Float64Array(b, o, l), n)); // rounds to nearest, as PyTorch does
      break;
    case 'int64': {
      const ints = aligned(bytes, 8, (b, o, l) => new BigInt64Array(b, o, l), n);
      for (let i = 0; i < n; i++) out[i] = Number(ints[i]!);
      break;
    }
    case 'int32':
      out.set(aligned(bytes, 4, (b, o, l) => new Int32Array(b, o, l), n));
      break;
    case 'uint8':
      out.set(bytes.subarray(0, n));
      break;
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = bytes[i] ? 1 : 0;
      break;
  }
  return out;
}

function float32View(bytes: Uint8Array): Float32Array {
  return aligned(bytes, 4, (b, o, l) => new Float32Array(b, o, l), bytes.byteLength >>> 2);
}

/** A typed view over `bytes`, copying first only when the bytes are not aligned for that type. */
function aligned<T>(
  bytes: Uint8Array,
  size: number,
  make: (buffer: ArrayBufferLike, byteOffset: number, length: number) => T,
  length: number,
): T {
  const src = bytes.byteOffset % size === 0 ? bytes : bytes.slice(0, length * size);
  return make(src.buffer, src.byteOffset, length);
}

let HALF_TABLE: Float32Array | undefined;

/** All 65536 float16 values as float32, built once (256 KB): a lookup beats bit fiddling per element. */
function halfTable(): Float32Array {
  if (HALF_TABLE) return HALF_TABLE;
  const table = new Float32Array(65536);
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) {
      table[h] = (sign ? -mant : mant) * 2 ** -24; // subnormal or signed zero: exact in float32
    } else if (exp === 31) {
      bits[h] = (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf / NaN, payload kept
    } else {
      bits[h] = (sign | ((exp - 15 + 127) << 23) | (mant << 13)) >>> 0;
    }
  }
  HALF_TABLE = table;
  return table;
}

/**
 * Strided copy. Size-1 dims are dropped and dims that step through memory like one larger dim are
 * merged. If the innermost output dim is also the one that is closest-packed in the storage, rows
 * are copied with a tight inner loop. Otherwise (a transposed view: TF's [kh,kw,in,out] read as
 * [out,in,kh,kw]) the storage's closest-packed dim is walked in tiles inside the output-order loop,
 * so each storage cache line is read once and a tile's worth of output rows is filled in step.
 */
function gatherStrided(
  src: Float32Array,
  start: number,
  shape: readonly number[],
  stride: readonly number[],
  out: Float32Array,
): void {
  const sizes: number[] = [];
  const strides: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const k = sizes.length - 1;
    if (k >= 0 && strides[k] === stride[d]! * shape[d]!) {
      sizes[k] = sizes[k]! * shape[d]!;
      strides[k] = stride[d]!;
    } else {
      sizes.push(shape[d]!);
      strides.push(stride[d]!);
    }
  }
  const rank = sizes.length;
  const outStrides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    outStrides[d] = s;
    s *= sizes[d]!;
  }
  let packed = rank - 1;
  for (let d = 0; d < rank; d++) if (strides[d]! < strides[packed]!) packed = d;

  if (packed === rank - 1) {
    gatherRows(src, start, sizes, strides, out);
    return;
  }

  // Tile over `packed`; walk the other dims in output order with an odometer.
  const TILE = 32;
  const tileSize = sizes[packed]!;
  const tileSrc = strides[packed]!;
  const tileOut = outStrides[packed]!;
  const dims = [...Array(rank).keys()].filter((d) => d !== packed);
  const oSizes = dims.map((d) => sizes[d]!);
  const oSrc = dims.map((d) => strides[d]!);
  const oOut = dims.map((d) => outStrides[d]!);
  const last = dims.length - 1;
  const lastSize = oSizes[last]!;
  const lastSrc = oSrc[last]!;
  const lastOut = oOut[last]!;
  const outer = oSizes.slice(0, last).reduce((a, b) => a * b, 1);
  const counters = new Array<number>(last).fill(0);
  for (let t0 = 0; t0 < tileSize; t0 += TILE) {
    const tn = Math.min(TILE, tileSize - t0);
    let srcBase = start + t0 * tileSrc;
    let outBase = t0 * tileOut;
    counters.fill(0);
    for (let r = 0; r < outer; r++) {
      for (let j = 0; j < lastSize; j++) {
        let p = srcBase + j * lastSrc;
        let o = outBase + j * lastOut;
        for (let t = 0; t < tn; t++) {
          out[o] = src[p]!;
          p += tileSrc;
          o += tileOut;
        }
      }
      for (let d = last - 1; d >= 0; d--) {
        srcBase += oSrc[d]!;
        outBase += oOut[d]!;
        if (++counters[d]! < oSizes[d]!) break;
        srcBase -= oSrc[d]! * oSizes[d]!;
        outBase -= oOut[d]! * oSizes[d]!;
        counters[d] = 0;
      }
    }
  }
}

/** Output-order walk whose inner loop runs along the last dim. */
function gatherRows(src: Float32Array, start: number, sizes: number[], strides: number[], out: Float32Array): void {
  const rank = sizes.length;
  const innerSize = sizes[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  const counters = new Array<number>(rank).fill(0);
  let base = start;
  let o = 0;
  const rows = out.length / innerSize;
  for (let r = 0; r < rows; r++) {
    let p = base;
    for (let j = 0; j < innerSize; j++) {
      out[o++] = src[p]!;
      p += innerStride;
    }
    for (let d = rank - 2; d >= 0; d--) {
      base += strides[d]!;
      if (++counters[d]! < sizes[d]!) break;
      base -= strides[d]! * sizes[d]!;
      counters[d] = 0;
    }
  }
}
