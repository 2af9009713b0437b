/**
 * Structure-aware mutants of every kind of file the readers take, as fast-check arbitraries: valid
 * files built from generated structure (tensor shapes, strides, offsets, dtypes, names; header
 * dicts; record fields), then byte edits aimed at one region of the layout (a pickle, a zip
 * directory, a JSON header, a PNG chunk), so most mutants get deep into a reader before failing.
 */
import fc from 'fast-check';
import { zlibSync } from 'fflate';
import { encodePng } from '../../src/core/export/png';
import { PNG_TEXT_KEY, serializeSampleRecord } from '../../src/core/export/sample_record';
import { writeNpy } from '../../src/core/io/npy';
import type { StorageDtype } from '../../src/core/checkpoint/types';
import {
  type CheckpointSpec,
  concat,
  ELEMENT_BYTES,
  legacyChunks,
  writeLegacy,
  writeSafetensors,
  writeTorchZip,
  writeZip,
  stateDictPickle,
  type SafetensorsEntry,
} from '../helpers/torch_writer';
import { GOOD_RECORD } from './crafted';
import type { FuzzCase } from './harness';

/** Values that sit on the edges readers get wrong: zero, one, sign bits, 2^31, 2^32, 2^53. */
const EDGE_INTS = [
  0,
  1,
  2,
  3,
  7,
  255,
  256,
  65535,
  65536,
  2 ** 28,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53 - 1,
  -1,
  -(2 ** 31),
];
const edgeInt = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(...EDGE_INTS));
const DTYPES: StorageDtype[] = ['float32', 'float16', 'bfloat16', 'float64', 'int64', 'int32', 'uint8', 'bool'];

type Region = readonly [start: number, end: number];
type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** One byte-level edit inside one region of a file. */
const byteEdit = fc.record({
  region: fc.nat(),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  op: fc.constantFrom('flip', 'set', 'int32', 'int64', 'truncate', 'duplicate', 'delete'),
  value: edgeInt,
  bit: fc.integer({ min: 0, max: 7 }),
  length: fc.integer({ min: 1, max: 64 }),
});

function applyEdit(bytes: Uint8Array, regions: readonly Region[], edit: Of<typeof byteEdit>): Uint8Array {
  const [start, end] = regions[edit.region % regions.length]!;
  if (end <= start) return bytes;
  const at = start + Math.floor(edit.at * (end - start));
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  switch (edit.op) {
    case 'flip':
      out[at] = out[at]! ^ (1 << edit.bit);
      return out;
    case 'set':
      out[at] = edit.value & 0xff;
      return out;
    case 'int32':
      if (at + 4 <= out.length) v.setUint32(at, edit.value >>> 0, true);
      return out;
    case 'int64':
      if (at + 8 <= out.length) v.setBigUint64(at, BigInt.asUintN(64, BigInt(edit.value)), true);
      return out;
    case 'truncate':
      return out.subarray(0, at);
    case 'duplicate':
      return concat([out.subarray(0, at), out.subarray(at, at + edit.length), out.subarray(at)]);
    case 'delete':
      return concat([out.subarray(0, at), out.subarray(at + edit.length)]);
  }
}

/** A file, then zero to three edits in its regions. */
function mutated(base: fc.Arbitrary<{ bytes: Uint8Array; regions: Region[] }>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(base, fc.array(byteEdit, { maxLength: 3 }))
    .map(([{ bytes, regions }, edits]) =>
      edits.reduce((b, e) => applyEdit(b, regions.length ? regions : [[0, b.length]], e), bytes),
    );
}

const tensorName = fc.oneof(fc.constantFrom('w', 'b', 'G.linear.weight', ''), fc.string({ maxLength: 12 }));

/** 1 to 3 tensors over 1 or 2 storages, with shapes, strides and offsets that may not fit them. */
const checkpointSpec: fc.Arbitrary<CheckpointSpec> = fc
  .tuple(
    fc.array(fc.record({ dtype: fc.constantFrom(...DTYPES), numel: fc.integer({ min: 0, max: 48 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
    fc.array(
      fc.record({
        name: tensorName,
        storage: fc.nat(),
        offset: fc.oneof(fc.constant(0), edgeInt),
        shape: fc.array(edgeInt, { maxLength: 4 }),
        stride: fc.option(fc.array(edgeInt, { maxLength: 4 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([storages, tensors]) => ({
    storages: storages.map((s, i) => ({
      key: String(i),
      dtype: s.dtype,
      numel: s.numel,
      bytes: Uint8Array.from({ length: s.numel * ELEMENT_BYTES[s.dtype] }, (_, j) => (j * 37) & 0xff),
    })),
    tensors: tensors.map((t) => ({
      name: t.name,
      storage: String(t.storage % storages.length),
      storageOffset: t.offset,
      shape: t.shape,
      stride: t.stride && t.stride.length === t.shape.length ? t.stride : undefined,
    })),
  }));

/** Where the state_dict pickle sits in a legacy file: after the three small header pickles. */
function legacyRegions(spec: CheckpointSpec, bytes: Uint8Array): Region[] {
  const [magic, protocol, sysInfo, pickle] = [...legacyChunks(spec)];
  const start = magic!.length + protocol!.length + sysInfo!.length;
  return [
    [start, start + pickle!.length],
    [0, start],
    [start + pickle!.length, bytes.length],
  ];
}

/** Local entries, central directory and end record of a zip. */
function zipRegions(bytes: Uint8Array): Region[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = bytes.length - 22;
  const dir = v.getUint32(eocd + 16, true);
  return [
    [0, dir],
    [dir, eocd],
    [eocd, bytes.length],
  ];
}

export const legacyTorch = mutated(
  checkpointSpec.map((spec) => {
    const bytes = writeLegacy(spec);
    return { bytes, regions: legacyRegions(spec, bytes) };
  }),
);

export const zipTorch = mutated(
  fc.tuple(checkpointSpec, fc.boolean(), fc.constantFrom('archive', 'model', 'a/b')).map(([spec, deflate, prefix]) => {
    const bytes = deflate
      ? writeZip(
          [
            [`${prefix}/data.pkl`, stateDictPickle(spec, 'zip')],
            ...spec.storages.map((s) => [`${prefix}/data/${s.key}`, s.bytes as Uint8Array] as [string, Uint8Array]),
          ],
          { deflate: true },
        )
      : writeTorchZip(spec, { prefix, zip64: true });
    return { bytes, regions: zipRegions(bytes) };
  }),
);

const SAFETENSORS_DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'U8', 'BOOL'] as const;
const SAFETENSORS_SIZE: Record<(typeof SAFETENSORS_DTYPES)[number], number> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I64: 8,
  I32: 4,
  U8: 1,
  BOOL: 1,
};

/** Valid tensors, then one header field replaced by something else (offsets, shapes, dtypes, metadata). */
export const safetensors = mutated(
  fc
    .tuple(
      fc.array(
        fc.record({
          name: tensorName,
          dtype: fc.constantFrom(...SAFETENSORS_DTYPES),
          shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
        }),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      fc.option(
        fc.record({
          tensor: fc.nat(),
          field: fc.constantFrom('dtype', 'shape', 'data_offsets', '__metadata__'),
          value: fc.jsonValue({ maxDepth: 3 }),
        }),
        { nil: undefined },
      ),
    )
    .map(([tensors, patch]) => {
      const entries: SafetensorsEntry[] = tensors.map((t) => ({
        ...t,
        bytes: new Uint8Array(t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_SIZE[t.dtype]).fill(0x3f),
      }));
      let bytes = writeSafetensors(entries);
      if (patch) {
        const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
        const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<
          string,
          Record<string, unknown>
        >;
        if (patch.field === '__metadata__') header.__metadata__ = { note: patch.value } as never;
        else {
          const name = Object.keys(header).filter((k) => k !== '__metadata__')[patch.tensor % entries.length];
          if (name !== undefined) header[name]![patch.field] = patch.value;
        }
        const json = new TextEncoder().encode(JSON.stringify(header));
        const len = new Uint8Array(8);
        new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
        bytes = concat([len, json, bytes.subarray(8 + length)]);
      }
      const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      return {
        bytes,
        regions: [
          [0, 8],
          [8, 8 + length],
          [8 + length, bytes.length],
        ] as Region[],
      };
    }),
);

/** .npy headers written from generated dict entries (repeated and unknown keys, odd values). */
export const npy = mutated(
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      fc.array(
        fc.tuple(
          fc.constantFrom('descr', 'fortran_order', 'shape', 'extra'),
          fc.constantFrom(
            "'<f4'",
            "'>f4'",
            "'<f8'",
            "'<i8'",
            'True',
            'False',
            'None',
            '(2,)',
            '(1, 3)',
            '()',
            "'",
            '(((',
            '-1',
            '1e9',
          ),
        ),
        { maxLength: 2 },
      ),
      fc.boolean(),
    )
    .map(([shape, extra, nonFinite]) => {
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5);
      if (nonFinite && data.length) data[data.length - 1] = NaN;
      const good = writeNpy({ shape, data });
      if (!extra.length) return { bytes: good, regions: [[10, good.length - data.byteLength]] as Region[] };
      const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), ${extra.map(([k, v]) => `'${k}': ${v}, `).join('')}}\n`;
      const text = new TextEncoder().encode(dict);
      const head = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8);
      const bytes = concat([head, text, new Uint8Array(data.buffer)]);
      return {
        bytes,
        regions: [
          [0, 10],
          [10, 10 + text.length],
        ] as Region[],
      };
    }),
);

const recordPatch = fc.record({
  field: fc.constantFrom(...Object.keys(GOOD_RECORD), 'slotZ', 'batch', 'edits', 'variation', 'crossbreed'),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(1e30, -1e30, 1e308, 0, -1, 2 ** 32, '', 'x'.repeat(5000)),
  ),
  sub: fc.option(fc.constantFrom('id', 'hash', 'family', 'resolution', 'name', 'version'), { nil: undefined }),
});

function patchedRecord(patch: Of<typeof recordPatch>): string {
  const r = structuredClone(GOOD_RECORD) as unknown as Record<string, unknown>;
  const target = r[patch.field];
  if (patch.sub && typeof target === 'object' && target !== null && !Array.isArray(target))
    (target as Record<string, unknown>)[patch.sub] = patch.value;
  else r[patch.field] = patch.value;
  return serializeSampleRecord(r as never);
}

/** Record JSON with one field (or sub-field) replaced by any JSON value. */
export const recordJson = recordPatch.map((p) => new TextEncoder().encode(patchedRecord(p)));

/** PNGs carrying a (patched) record as tEXt or zTXt, then edits aimed at one chunk or the pixels. */
export const pngRecord = mutated(
  fc.tuple(recordPatch, fc.boolean(), fc.boolean()).map(([patch, keep, compress]) => {
    const text = keep ? serializeSampleRecord(GOOD_RECORD) : patchedRecord(patch);
    let bytes = encodePng(
      { width: 4, height: 4, data: new Uint8Array(48).fill(9) },
      compress ? undefined : { [PNG_TEXT_KEY]: text },
    );
    if (compress) bytes = withZtxt(bytes, text);
    return { bytes, regions: pngChunkRegions(bytes) };
  }),
);

/** Inserts a zTXt chunk after IHDR (CRC left as zero: the reader does not rely on it). */
function withZtxt(png: Uint8Array, text: string): Uint8Array {
  const body = concat([
    new TextEncoder().encode(`${PNG_TEXT_KEY}\0`),
    Uint8Array.of(0),
    zlibSync(new TextEncoder().encode(text)),
  ]);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, body.length);
  head.set(new TextEncoder().encode('zTXt'), 4);
  return concat([png.subarray(0, 33), head, body, new Uint8Array(4), png.subarray(33)]);
}

function pngChunkRegions(png: Uint8Array): Region[] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const regions: Region[] = [];
  for (let at = 8; at + 12 <= png.length; at += 12 + v.getUint32(at))
    regions.push([at, Math.min(png.length, at + 12 + v.getUint32(at))]);
  return regions;
}

export const FAMILIES: Record<string, { kind: FuzzCase['kind']; arbitrary: fc.Arbitrary<Uint8Array> }> = {
  'legacy torch.save': { kind: 'checkpoint', arbitrary: legacyTorch },
  'zip torch.save': { kind: 'checkpoint', arbitrary: zipTorch },
  safetensors: { kind: 'checkpoint', arbitrary: safetensors },
  npy: { kind: 'npy', arbitrary: npy },
  'PNG record': { kind: 'png', arbitrary: pngRecord },
  'record JSON': { kind: 'record', arbitrary: recordJson },
};
