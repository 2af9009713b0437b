import { describe, expect, it } from 'vitest';
import { CancelledError } from '../src/core/errors';
import { readCheckpoint } from '../src/core/checkpoint';
import { byteSourceFrom } from '../src/core/checkpoint/byte_source';
import { readZipDirectory, readZipEntry } from '../src/core/checkpoint/zip_directory';
import {
  type CheckpointSpec,
  PickleWriter,
  concat,
  legacyChunks,
  float32Bytes,
  float64Bytes,
  uint16Bytes,
  writeLegacy,
  writeTorchZip,
  writeZip,
} from './helpers/torch_writer';

const iota = (n: number): number[] => [...Array(n).keys()];

/** One storage of 0..59 viewed several ways, plus float16 / bfloat16 / float64 storages. */
const SPEC: CheckpointSpec = {
  storages: [
    { key: '0', dtype: 'float32', numel: 60, bytes: float32Bytes(iota(60)) },
    // bits: 1, -2, 0.5, 65504, smallest subnormal, -0
    { key: '1', dtype: 'float16', numel: 6, bytes: uint16Bytes([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000]) },
    // bits: 1, 3.140625, -123.5, 1e-38-ish, +inf, 2
    { key: '2', dtype: 'bfloat16', numel: 6, bytes: uint16Bytes([0x3f80, 0x4049, 0xc2f7, 0x00d9, 0x7f80, 0x4000]) },
    { key: '3', dtype: 'float64', numel: 3, bytes: float64Bytes([0.1, -1 / 3, 1e300]) },
  ],
  tensors: [
    { name: 'transposed', storage: '0', shape: [4, 3], stride: [1, 4] }, // a [3,4] matrix, transposed
    { name: 'offset', storage: '0', storageOffset: 13, shape: [2, 5] },
    { name: 'offset_transposed', storage: '0', storageOffset: 20, shape: [5, 2], stride: [1, 5] },
    { name: 'conv_tf_layout', storage: '0', shape: [2, 3, 2, 5], stride: [1, 2, 30, 6] }, // [kh,kw,in,out] storage
    { name: 'scalar', storage: '0', storageOffset: 59, shape: [] },
    { name: 'half_t', storage: '1', shape: [3, 2], stride: [1, 3] },
    { name: 'bf16', storage: '2', shape: [6] },
    { name: 'f64', storage: '3', shape: [3] },
  ],
};

const EXPECTED: Record<string, { shape: number[]; dtype: string; values: number[] }> = {
  transposed: { shape: [4, 3], dtype: 'float32', values: [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11] },
  offset: { shape: [2, 5], dtype: 'float32', values: iota(10).map((i) => 13 + i) },
  offset_transposed: { shape: [5, 2], dtype: 'float32', values: [20, 25, 21, 26, 22, 27, 23, 28, 24, 29] },
  conv_tf_layout: {
    shape: [2, 3, 2, 5],
    dtype: 'float32',
    // element [o,i,h,w] lives at h*30 + w*6 + i*2 + o
    values: iota(60).map((f) => {
      const w = f % 5;
      const h = Math.floor(f / 5) % 2;
      const i = Math.floor(f / 10) % 3;
      const o = Math.floor(f / 30);
      return h * 30 + w * 6 + i * 2 + o;
    }),
  },
  scalar: { shape: [], dtype: 'float32', values: [59] },
  half_t: { shape: [3, 2], dtype: 'float16', values: [1, 65504, -2, 2 ** -24, 0.5, -0] },
  bf16: {
    shape: [6],
    dtype: 'bfloat16',
    values: [1, 3.140625, -123.5, new Float32Array(new Uint32Array([0x00d90000]).buffer)[0]!, Infinity, 2],
  },
  f64: { shape: [3], dtype: 'float64', values: [0.1, -1 / 3, 1e300].map(Math.fround) },
};

function check(tensors: Awaited<ReturnType<typeof readCheckpoint>>['tensors']): void {
  expect([...tensors.keys()]).toEqual(Object.keys(EXPECTED));
  for (const [name, want] of Object.entries(EXPECTED)) {
    const got = tensors.get(name)!;
    expect(got.shape, name).toEqual(want.shape);
    expect(got.dtype, name).toBe(want.dtype);
    expect([...got.data], name).toEqual(want.values);
    expect(Object.is(got.data.at(-1), want.values.at(-1)), `${name} last element (sign of zero)`).toBe(true);
  }
}

describe('hand-built checkpoints with strided views and non-float32 storages', () => {
  it('legacy container', async () => {
    const { container, tensors } = await readCheckpoint(writeLegacy(SPEC));
    expect(container).toBe('torch-legacy');
    check(tensors);
  });

  it('legacy container from a Blob', async () => {
    check((await readCheckpoint(new Blob([writeLegacy(SPEC) as Uint8Array<ArrayBuffer>]))).tensors);
  });

  it.each([
    ['archive', false],
    ['G_ema', true],
    ['some/deeper/prefix', false],
  ])('zip container with prefix %s (zip64 records: %s)', async (prefix, zip64) => {
    const { container, tensors } = await readCheckpoint(writeTorchZip(SPEC, { prefix, zip64 }));
    expect(container).toBe('torch-zip');
    check(tensors);
  });

  it('zip container whose entries were re-compressed (deflate)', async () => {
    const stored = writeTorchZip(SPEC);
    // Rebuild the same archive with every entry deflated, as a generic zip tool would.
    const src = byteSourceFrom(stored);
    const entries = await readZipDirectory(src);
    const contents: Array<[string, Uint8Array]> = [];
    for (const e of entries) contents.push([e.name, (await readZipEntry(src, e)).bytes]);
    const deflated = writeZip(contents, { deflate: true });
    check((await readCheckpoint(deflated)).tensors);
  });

  it('legacy container whose pickles use protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE)', async () => {
    const chunks = [...legacyChunks(SPEC)];
    const magic = new PickleWriter().long1(0x1950a86a20f9469cfc6cn).stop().toBytes();
    const frame = new Uint8Array(8);
    new DataView(frame.buffer).setBigUint64(0, BigInt(magic.length), true);
    chunks[0] = concat([Uint8Array.of(0x80, 4, 0x95), frame, magic]);
    // sys-info as protocol 4 would write it: short strings and MEMOIZE instead of BINPUT.
    const short = (t: string): number[] => [0x8c, t.length, ...new TextEncoder().encode(t)];
    chunks[2] = Uint8Array.of(
      ...[0x80, 4, 0x7d, 0x94, 0x28], // PROTO 4, EMPTY_DICT, MEMOIZE, MARK
      ...short('little_endian'),
      0x88,
      ...short('protocol_version'),
      ...[0x4d, 0xe9, 0x03, 0x75, 0x2e], // BININT2 1001, SETITEMS, STOP
    );
    const { container, tensors } = await readCheckpoint(concat(chunks));
    expect(container).toBe('torch-legacy');
    check(tensors);
  });

  it('a training checkpoint with the state_dict nested under G_ema', async () => {
    const { tensors } = await readCheckpoint(writeLegacy({ ...SPEC, wrapKey: 'G_ema' }));
    check(tensors);
  });

  it('reports progress and can be cancelled between storages', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const read = readCheckpoint(writeTorchZip(SPEC), {
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        seen.push(loaded);
        if (loaded > 0) controller.abort();
      },
    });
    await expect(read).rejects.toThrow(CancelledError);
    expect(seen.length).toBe(2);

    const aborted = new AbortController();
    aborted.abort();
    await expect(readCheckpoint(writeLegacy(SPEC), { signal: aborted.signal })).rejects.toThrow(CancelledError);
  });
});
