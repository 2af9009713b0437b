/**
 * Small hostile files, each built here in a few MB or less, that once crashed, hung or exhausted
 * the readers, or were read without complaint when they should not have been (issue 11). Each
 * names what it attacks and what must happen now: read (`ok`), or a clean error matching `expect`.
 */
import { constants, deflateRawSync } from 'node:zlib';
import {
  PNG_TEXT_KEY,
  RECORD_FORMAT,
  serializeSampleRecord,
  type SampleRecord,
} from '../../src/core/export/sample_record';
import {
  concat,
  crc32,
  float32Bytes,
  PickleWriter,
  writeLegacy,
  writeSafetensors,
  writeZip,
} from '../helpers/torch_writer';
import type { FuzzCase } from './harness';

export interface CraftedCase extends FuzzCase {
  name: string;
  expect: 'ok' | RegExp;
}

const TUPLE1 = 0x85;
const TUPLE2 = 0x86;
const DUP = 0x32;
const POP = 0x30;
const BININT1 = 0x4b;

/** A legacy torch.save file with one 1-element float storage "0" and the given state_dict pickle. */
function legacyWith(pickle: Uint8Array): Uint8Array {
  return writeLegacy({
    storages: [{ key: '0', dtype: 'float32', numel: 1, bytes: float32Bytes([1]) }],
    tensors: [],
    pickle,
  });
}

/** `{key: tensor}` where each part is written by the caller; `tensor` pushes a _rebuild_tensor_v2 call. */
function stateDict(entries: (w: PickleWriter) => void): Uint8Array {
  const w = new PickleWriter().proto(2).emptyDict().mark();
  entries(w);
  return w.setitems().stop().toBytes();
}

function tensor(w: PickleWriter, size: (w: PickleWriter) => void, stride: (w: PickleWriter) => void): void {
  w.global('torch._utils', '_rebuild_tensor_v2').mark();
  w.mark().str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(1).none().tuple().binpersid();
  w.int(0);
  size(w);
  stride(w);
  w.bool(false).global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
}

const oneDim = (n: number) => (w: PickleWriter) => w.int(n).op(TUPLE1);

function nestedTuples(w: PickleWriter, depth: number): void {
  w.none();
  for (let i = 0; i < depth; i++) w.op(TUPLE1);
}

/** ((x, x), (x, x)) ... `levels` deep through the memo: 2^levels leaves in a few hundred bytes. */
function billionLaughs(w: PickleWriter, levels: number): void {
  w.none().put(0).op(POP);
  for (let i = 0; i < levels; i++)
    w.get(i)
      .op(DUP, TUPLE2)
      .put(i + 1)
      .op(POP);
  w.get(levels);
}

/** A legacy checkpoint of about 1 KB whose one tensor is 2^28 copies of its single stored float (1 GB as float32). */
export function strideZeroBomb(): Uint8Array {
  return legacyWith(stateDict((w) => (w.str('w'), tensor(w, oneDim(2 ** 28), oneDim(0)))));
}

/** A raw deflate stream of `total` zero bytes in about total / 1000 bytes. */
function zerosDeflated(total: number): Uint8Array {
  const piece = 16 << 20;
  // A sync-flushed stream of zeros only refers back to zeros, so copies of it can follow each other.
  const full = deflateRawSync(new Uint8Array(piece), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const parts: Uint8Array[] = [];
  for (let left = total; left > 0; left -= piece) {
    parts.push(left >= piece ? full : deflateRawSync(new Uint8Array(left), { finishFlush: constants.Z_SYNC_FLUSH }));
  }
  parts.push(Uint8Array.of(0x01, 0x00, 0x00, 0xff, 0xff)); // the final (empty, stored) block
  return concat(parts);
}

/** A zip whose one entry is `deflated`, while the directory claims it holds `claimed` bytes. */
function zipClaiming(name: string, deflated: Uint8Array, claimed: number): Uint8Array {
  const zip = writeZip([[name, new Uint8Array(claimed)]], { deflate: true });
  const central = zip.length - 22 - 46 - name.length;
  const localData = 30 + name.length;
  const compressedClaimed = new DataView(zip.buffer).getUint32(central + 20, true);
  const out = concat([zip.subarray(0, localData), deflated, zip.subarray(localData + compressedClaimed)]);
  const v = new DataView(out.buffer);
  const shift = deflated.length - compressedClaimed;
  v.setUint32(18, deflated.length, true);
  v.setUint32(central + shift + 20, deflated.length, true);
  v.setUint32(out.length - 22 + 16, central + shift, true);
  return out;
}

/** A zip whose directory entry claims a zip64 size in an extra field that runs past the directory. */
function zip64ExtraOverrun(): Uint8Array {
  const name = 'archive/data.pkl';
  const zip = writeZip([[name, new PickleWriter().proto(2).emptyDict().stop().toBytes()]]);
  const central = zip.length - 22 - 46 - name.length;
  const at = central + 46 + name.length;
  const out = concat([zip.subarray(0, at), Uint8Array.of(0x01, 0x00, 0xff, 0xff), zip.subarray(at)]);
  const v = new DataView(out.buffer);
  v.setUint32(central + 24, 0xffffffff, true);
  v.setUint16(central + 30, 4, true);
  v.setUint32(out.length - 22 + 12, v.getUint32(out.length - 22 + 12, true) + 4, true);
  return out;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, data.length);
  head.set(new TextEncoder().encode(type), 4);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, crc32(concat([head.subarray(4), data])));
  return concat([head, data, crc]);
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function ihdr(width: number, height: number, depth: number, colour: number): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  d.set([depth, colour, 0, 0, 0], 8);
  return pngChunk('IHDR', d);
}

function textChunk(key: string, text: string): Uint8Array {
  return pngChunk('tEXt', new TextEncoder().encode(`${key}\0${text}`));
}

export const GOOD_RECORD: SampleRecord = {
  format: RECORD_FORMAT,
  version: 1,
  app: { name: 'BigGAN Explorer', version: '0.1.0' },
  model: { id: 'fixture', hash: 'ab', family: 'biggan-deep', resolution: 8 },
  classes: [{ index: 1, weight: 1 }],
  truncation: 0.5,
  mode: 'scaled',
  seed: 3,
  slots: [null, { seed: 4 }, null],
  z: [0.1, 0.2, 0.3, 0.4],
  backend: 'wasm',
};

const recordBytes = (patch: Record<string, unknown>): Uint8Array =>
  new TextEncoder().encode(JSON.stringify({ ...GOOD_RECORD, ...patch }));

/** A 16384x16384 16-bit RGB PNG (1.6 GB of pixels) in about 1.6 MB, carrying `record` if given. */
export function hugePng(record?: SampleRecord): Uint8Array {
  const width = 16384;
  const raw = (1 + width * 6) * width;
  const adler = Uint8Array.of(0, 0, 0, 0);
  new DataView(adler.buffer).setUint32(0, (((raw % 65521) << 16) | 1) >>> 0);
  const idat = concat([Uint8Array.of(0x78, 0xda), zerosDeflated(raw), adler]);
  return concat([
    PNG_SIGNATURE,
    ihdr(width, width, 16, 2),
    ...(record ? [textChunk(PNG_TEXT_KEY, serializeSampleRecord(record))] : []),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** A PNG whose first chunk is a text chunk: its "size" would be read from the text's bytes. */
export function textFirstPng(): Uint8Array {
  return concat([PNG_SIGNATURE, textChunk('xxxx', 'xxxx'), ihdr(1, 1, 8, 2), pngChunk('IEND', new Uint8Array(0))]);
}

function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const text = new TextEncoder().encode(header);
  const lengthBytes = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthBytes + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, text.length, true);
  else v.setUint32(8, text.length, true);
  out.set(text, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + text.length);
  return out;
}

function safetensorsHeader(header: object, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat([len, json, new Uint8Array(dataBytes)]);
}

const F32 = (begin: number, end: number, shape: number[]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

export function craftedCases(): CraftedCase[] {
  return [
    // Stack overflows.
    {
      name: 'APPENDS of 130k items',
      kind: 'pickle',
      bytes: (() => {
        const w = new PickleWriter().proto(2).emptyList().mark();
        for (let i = 0; i < 130_000; i++) w.op(BININT1, 1);
        return w.appends().stop().toBytes();
      })(),
      expect: 'ok',
    },
    {
      name: 'a dict key nested 10k tuples deep',
      kind: 'checkpoint',
      bytes: legacyWith(stateDict((w) => (nestedTuples(w, 10_000), tensor(w, oneDim(1), oneDim(1))))),
      expect: /nested more than 100 deep/,
    },
    {
      name: 'a tensor size nested 10k tuples deep',
      kind: 'checkpoint',
      bytes: legacyWith(
        stateDict((w) => (w.str('w'), tensor(w, (x) => (nestedTuples(x, 10_000), x.op(TUPLE1)), oneDim(1)))),
      ),
      expect: /nested more than 100 deep/,
    },
    {
      name: 'a memo-shared billion laughs as a dict key',
      kind: 'checkpoint',
      bytes: legacyWith(stateDict((w) => (billionLaughs(w, 60), tensor(w, oneDim(1), oneDim(1))))),
      expect: /tensor name .* is not a string/,
    },
    {
      name: 'a memo-shared billion laughs as a tensor size',
      kind: 'checkpoint',
      bytes: legacyWith(
        stateDict((w) => (w.str('w'), tensor(w, (x) => (billionLaughs(x, 60), x.op(TUPLE1)), oneDim(1)))),
      ),
      expect: /invalid size \(\(\(\(/,
    },
    // Memory bombs.
    {
      name: '300k DUP opcodes',
      kind: 'checkpoint',
      bytes: legacyWith(
        new PickleWriter().proto(2).emptyDict().raw(new Uint8Array(300_000).fill(DUP)).stop().toBytes(),
      ),
      expect: /holds more than 200000 values on its stack/,
    },
    {
      name: '300k EMPTY_DICT opcodes',
      kind: 'checkpoint',
      bytes: legacyWith(new PickleWriter().proto(2).raw(new Uint8Array(300_000).fill(0x7d)).stop().toBytes()),
      expect: /holds more than 200000 values on its stack/,
    },
    {
      name: 'a 1 MB deflated data.pkl whose directory claims 16 bytes (inflates to 1 GB)',
      kind: 'checkpoint',
      bytes: zipClaiming('archive/data.pkl', zerosDeflated(1 << 30), 16),
      expect: /inflates to more than the 16 bytes its zip directory declares/,
    },
    {
      name: 'a stride-0 view of 2^28 elements on a 1-element storage',
      kind: 'checkpoint',
      bytes: strideZeroBomb(),
      expect: /repeats storage elements.*would take 1024 MB/,
    },
    {
      name: 'a safetensors header of 25k zero-size tensors',
      kind: 'checkpoint',
      bytes: safetensorsHeader(
        Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => [`t${i}`, F32(0, 0, [0])])),
        0,
      ),
      expect: /holds 25000 tensors; at most 20000/,
    },
    {
      name: 'a 16384x16384 16-bit PNG (pixels not decoded to read the record)',
      kind: 'png',
      bytes: hugePng(GOOD_RECORD),
      expect: 'ok',
    },
    // Silent wrong results.
    {
      name: 'safetensors with two tensors on the same bytes',
      kind: 'checkpoint',
      bytes: safetensorsHeader({ a: F32(0, 8, [2]), b: F32(0, 8, [2]) }, 8),
      expect: /"b" \(bytes 0 to 8\) overlaps "a"/,
    },
    {
      name: 'safetensors with a hole between tensors',
      kind: 'checkpoint',
      bytes: safetensorsHeader({ a: F32(0, 8, [2]), b: F32(12, 20, [2]) }, 20),
      expect: /bytes 8 to 12 .* belong to no tensor/,
    },
    {
      name: 'safetensors with trailing bytes',
      kind: 'checkpoint',
      bytes: concat([
        writeSafetensors([{ name: 'a', dtype: 'F32', shape: [2], bytes: float32Bytes([1, 2]) }]),
        new Uint8Array(4),
      ]),
      expect: /4 bytes after the last tensor/,
    },
    {
      name: 'safetensors metadata that is not string to string',
      kind: 'checkpoint',
      bytes: safetensorsHeader({ __metadata__: { format: 'pt', step: 3 }, a: F32(0, 8, [2]) }, 8),
      expect: /__metadata__ value "step" is not a string/,
    },
    {
      name: 'a zip with two data.pkl entries',
      kind: 'checkpoint',
      bytes: (() => {
        const good = new PickleWriter().proto(2).emptyDict().stop().toBytes();
        return writeZip([
          ['archive/data.pkl', good],
          ['archive/data.pkl', good],
          ['archive/data/0', float32Bytes([1, 2])],
        ]);
      })(),
      expect: /holds "archive\/data\.pkl" twice/,
    },
    {
      name: 'a zip with data.pkl in two folders',
      kind: 'checkpoint',
      bytes: writeZip([
        ['a/data.pkl', new PickleWriter().proto(2).emptyDict().stop().toBytes()],
        ['b/data.pkl', new PickleWriter().proto(2).emptyDict().stop().toBytes()],
      ]),
      expect: /holds 2 data\.pkl entries \("a\/data\.pkl", "b\/data\.pkl"\)/,
    },
    {
      name: 'a zip with an entry outside the folder of data.pkl',
      kind: 'checkpoint',
      bytes: writeZip([
        ['archive/data.pkl', new PickleWriter().proto(2).emptyDict().stop().toBytes()],
        ['other/data/0', float32Bytes([1, 2])],
      ]),
      expect:
        /entries under more than one top folder \("archive\/" holds data\.pkl, but "other\/data\/0" lies outside it\)/,
    },
    {
      name: '.npy header with a duplicated descr key',
      kind: 'npy',
      bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'descr': '<f8', }\n", float32Bytes([1, 2])),
      expect: /key "descr" appears twice/,
    },
    {
      name: '.npy holding NaN',
      kind: 'npy',
      bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", float32Bytes([1, NaN])),
      expect: /value 1 .* is NaN/,
    },
    {
      name: '.npy holding Infinity',
      kind: 'npy',
      bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", float32Bytes([Infinity, 1])),
      expect: /value 0 .* is Infinity/,
    },
    {
      name: 'a record whose slotZ holds 1e30',
      kind: 'record',
      bytes: recordBytes({ slotZ: [null, [1e30, 0, 0, 0], null] }),
      expect: /slotZ\[1\]\[0\] is 1e\+30/,
    },
    {
      name: 'a record whose class weights sum to Infinity',
      kind: 'record',
      bytes: recordBytes({
        classes: [
          { index: 1, weight: 1e308 },
          { index: 2, weight: 1e308 },
        ],
      }),
      expect: /class weights sum to Infinity/,
    },
    {
      name: 'a record with more slots than the model',
      kind: 'record',
      bytes: recordBytes({ slots: [null, null, null, null, null] }),
      expect: /5 latent slots; this model has 3/,
    },
    {
      name: 'a record with more per-block z than the model has slots',
      kind: 'record',
      bytes: recordBytes({ slotZ: Array.from({ length: 5 }, () => [0, 0, 0, 0]) }),
      expect: /5 per-block z; this model has 3 slots/,
    },
    {
      name: 'a record whose slotZ is not an array of numbers',
      kind: 'record',
      bytes: recordBytes({ slotZ: 'zzz' }),
      expect: /slotZ is not a list/,
    },
    {
      name: 'a record whose slotZ rows are not numbers',
      kind: 'record',
      bytes: recordBytes({ slotZ: [['a', 1, 2, 3], null, null] }),
      expect: /slotZ\[0\] is not a list of numbers \(slotZ\[0\]\[0\] is .a.\)/,
    },
    // Messages.
    {
      name: 'a zip64 extra field that runs past the directory',
      kind: 'checkpoint',
      bytes: zip64ExtraOverrun(),
      expect: /has a short zip64 field/,
    },
    {
      name: 'a zip byteorder entry of garbage bytes',
      kind: 'checkpoint',
      bytes: writeZip([
        ['archive/data.pkl', new PickleWriter().proto(2).emptyDict().stop().toBytes()],
        ['archive/byteorder', Uint8Array.of(0xff, 0xfe, 0x80)],
      ]),
      expect: /byteorder entry says "\\ufffd|byteorder entry is not "little" or "big"/,
    },
    {
      name: 'safetensors tensor without a dtype',
      kind: 'checkpoint',
      bytes: safetensorsHeader({ a: { shape: [2], data_offsets: [0, 8] } }, 8),
      expect: /"a" has no dtype/,
    },
    {
      name: 'a PNG whose first chunk is not IHDR',
      kind: 'png',
      bytes: textFirstPng(),
      expect: /first chunk is tEXt, not IHDR/,
    },
    {
      name: 'a .npy version 2 cut inside its header length',
      kind: 'npy',
      bytes: npy('', new Uint8Array(0), 2).subarray(0, 11),
      expect: /ends inside its header/,
    },
    {
      name: 'a record with a 10 MB model id',
      kind: 'record',
      bytes: recordBytes({ model: { ...GOOD_RECORD.model, id: 'x'.repeat(10 << 20) } }),
      expect: /model\.id is 10485760 characters; at most 1000/,
    },
  ];
}
