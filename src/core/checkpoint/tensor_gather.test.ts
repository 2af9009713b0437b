import { describe, expect, it } from 'vitest';
import { CheckpointFormatError } from '../errors';
import { checkStorageBounds, decodeInto, gatherTensor, isContiguous } from './tensor_gather';
import type { StorageSpan } from './tensor_view';
import type { StorageDtype } from './types';

const f32 = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
const iota = (n: number): number[] => [...Array(n).keys()];

/** Reference: index by explicit multi-index arithmetic, one element at a time. */
function naiveGather(src: number[], offset: number, shape: number[], stride: number[]): number[] {
  const out: number[] = [];
  const numel = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < numel; flat++) {
    let rem = flat;
    let p = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      p += (rem % shape[d]!) * stride[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    out.push(src[p]!);
  }
  return out;
}

describe('gatherTensor', () => {
  it.each<[string, number, number[], number[]]>([
    ['contiguous', 0, [2, 3, 4], [12, 4, 1]],
    ['contiguous with offset', 7, [3, 5], [5, 1]],
    ['transposed matrix', 0, [4, 6], [1, 4]],
    ['transposed matrix larger than a tile', 3, [130, 70], [1, 130]],
    ['TF-style conv permutation [out,in,kh,kw] over [kh,kw,in,out]', 0, [5, 4, 3, 3], [1, 5, 60, 20]],
    ['TF-style conv permutation, more than one tile of out channels', 0, [70, 3, 3, 3], [1, 70, 630, 210]],
    ['3-d permutation with the packed dim in the middle', 5, [40, 50, 2], [2, 80, 1]],
    ['3-d permutation with the packed dim first', 0, [40, 50, 2], [1, 80, 40]],
    ['expanded non-last dim (stride 0 is "packed")', 0, [3, 40], [0, 2]],
    ['sliced rows (gaps)', 2, [3, 2], [5, 1]],
    ['size-1 dims with odd strides', 1, [1, 4, 1], [999, 1, 7]],
    ['expanded (stride 0)', 4, [3, 2], [0, 1]],
    ['scalar', 9, [], []],
    ['empty', 0, [0, 3], [3, 1]],
  ])('%s', (_label, offset, shape, stride) => {
    const src = iota(20000).map((i) => i * 0.5 - 3);
    const got = gatherTensor(f32(src), 'float32', 0, { storageOffset: offset, shape, stride });
    expect([...got]).toEqual(naiveGather(src, offset, shape, stride));
  });

  it('handles a range that starts inside the storage and unaligned bytes', () => {
    const src = iota(50);
    const raw = new Uint8Array(1 + 50 * 4);
    raw.set(f32(src), 1);
    const bytes = raw.subarray(1 + 10 * 4); // elements 10.. of the storage, at an odd address
    const got = gatherTensor(bytes, 'float32', 10, { storageOffset: 12, shape: [3, 4], stride: [1, 3] });
    expect([...got]).toEqual(naiveGather(src, 12, [3, 4], [1, 3]));
    const contiguous = gatherTensor(bytes, 'float32', 10, { storageOffset: 11, shape: [6], stride: [1] });
    expect([...contiguous]).toEqual(src.slice(11, 17));
  });

  it('widens every float16 bit pattern exactly', () => {
    const bits = Uint16Array.from(iota(65536));
    const out = decodeInto(new Uint8Array(bits.buffer), 'float16', new Float32Array(65536));
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 31;
      const mant = h & 1023;
      const expected =
        exp === 0
          ? sign * mant * 2 ** -24
          : exp === 31
            ? mant
              ? NaN
              : sign * Infinity
            : sign * (1 + mant / 1024) * 2 ** (exp - 15);
      if (!Object.is(out[h], expected))
        throw new Error(`half 0x${h.toString(16)}: got ${out[h]}, expected ${expected}`);
    }
  });

  it('widens every bfloat16 bit pattern exactly', () => {
    const bits = Uint16Array.from(iota(65536));
    const out = decodeInto(new Uint8Array(bits.buffer), 'bfloat16', new Float32Array(65536));
    const outBits = new Uint32Array(out.buffer);
    for (let h = 0; h < 65536; h++) {
      if (outBits[h] !== h * 65536) throw new Error(`bfloat16 0x${h.toString(16)}: got bits ${outBits[h]}`);
    }
  });

  it('rounds float64 to nearest float32 and converts integer storages', () => {
    const doubles = [0.1, 1 / 3, -1e-40, 1e39, 2 ** 24 + 1];
    const d = decodeInto(new Uint8Array(Float64Array.from(doubles).buffer), 'float64', new Float32Array(5));
    expect([...d]).toEqual(doubles.map(Math.fround));
    const longs = new Uint8Array(BigInt64Array.from([-5n, 12n, 2n ** 40n]).buffer);
    expect([...decodeInto(longs, 'int64', new Float32Array(3))]).toEqual([-5, 12, 2 ** 40]);
    expect([...decodeInto(Uint8Array.from([0, 1, 1, 0]), 'bool', new Float32Array(4))]).toEqual([0, 1, 1, 0]);
  });

  it.each<[StorageDtype, Uint8Array, number[]]>([
    [
      'float16',
      new Uint8Array(Uint16Array.from([0x3c00, 0x4000, 0x4200, 0x4400, 0x4500, 0x4600]).buffer),
      [1, 2, 3, 4, 5, 6],
    ],
    [
      'bfloat16',
      new Uint8Array(Uint16Array.from([0x3f80, 0x4000, 0x4040, 0x4080, 0x40a0, 0x40c0]).buffer),
      [1, 2, 3, 4, 5, 6],
    ],
  ])('gathers strided %s views', (dtype, bytes, values) => {
    const got = gatherTensor(bytes, dtype, 0, { storageOffset: 0, shape: [3, 2], stride: [1, 3] });
    expect([...got]).toEqual(naiveGather(values, 0, [3, 2], [1, 3]));
  });
});

describe('storage bounds and contiguity', () => {
  const storage = (numel: number): StorageSpan => ({
    label: 'storage "7"',
    dtype: 'float32',
    numel,
    fileOffset: 0,
    readElements: async () => new Uint8Array(0),
    readElementsInto: async () => {},
  });

  it('accepts a view that exactly fits and refuses one that overruns, naming both counts', () => {
    const view = { name: 'w', storage: storage(12), storageOffset: 2, shape: [5, 2], stride: [1, 5] };
    expect(() => checkStorageBounds(view)).not.toThrow(); // last element 2 + 4 + 5 = 11
    const over = { ...view, storage: storage(11) };
    expect(() => checkStorageBounds(over)).toThrow(CheckpointFormatError);
    expect(() => checkStorageBounds(over)).toThrow(/"w".*needs 12 elements of storage "7".*only 11/);
  });

  it('treats size-1 dims as free', () => {
    expect(isContiguous([1, 3], [1, 1])).toBe(true);
    expect(isContiguous([3, 1], [1, 1])).toBe(true);
    expect(isContiguous([2, 3], [1, 2])).toBe(false);
  });
});
