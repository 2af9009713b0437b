/**
 * Test-only writers for the checkpoint containers the reader accepts: the legacy torch.save
 * stream, the torch zip, and safetensors. Written from the format description in
 * docs/reference.md so tests can build files with strided views, storage offsets, float16
 * and bfloat16 storages, malicious globals, or truncations, without Python.
 */
import { deflateRawSync } from 'node:zlib';
import type { StorageDtype } from '../../src/core/checkpoint/types';

export interface StorageSpec {
  key: string;
  dtype: StorageDtype;
  numel: number;
  /** Raw little-endian bytes (numel * element size); a function lets big files be generated lazily. */
  bytes: Uint8Array | (() => Uint8Array);
}

export interface TensorSpec {
  name: string;
  /** Key of a StorageSpec. */
  storage: string;
  storageOffset?: number;
  shape: number[];
  /** Defaults to row-major. */
  stride?: number[];
}

export interface CheckpointSpec {
  storages: StorageSpec[];
  tensors: TensorSpec[];
  /** Wrap the state_dict as {[wrapKey]: state_dict, 'epoch': 7}, as training checkpoints do. */
  wrapKey?: string;
  /** Use these bytes as the state_dict pickle (e.g. a malicious one) instead of generating it. */
  pickle?: Uint8Array;
}

const STORAGE_CLASS: Record<StorageDtype, string> = {
  float32: 'FloatStorage',
  float16: 'HalfStorage',
  bfloat16: 'BFloat16Storage',
  float64: 'DoubleStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

export const ELEMENT_BYTES: Record<StorageDtype, number> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  uint8: 1,
  bool: 1,
};

export function rowMajorStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= shape[d]!;
  }
  return out;
}

/** A minimal pickle (protocol 2) emitter, with a memo for repeated globals as torch's pickler does. */
export class PickleWriter {
  private chunks: number[] = [];
  private memo = new Map<string, number>();

  op(...codes: number[]): this {
    this.chunks.push(...codes);
    return this;
  }
  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.chunks.push(b);
    return this;
  }
  proto(version = 2): this {
    return this.op(0x80, version);
  }
  stop(): this {
    return this.op(0x2e);
  }
  mark(): this {
    return this.op(0x28);
  }
  none(): this {
    return this.op(0x4e);
  }
  bool(v: boolean): this {
    return this.op(v ? 0x88 : 0x89);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  emptyList(): this {
    return this.op(0x5d);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  tuple(): this {
    return this.op(0x74);
  }
  tupleN(n: 1 | 2 | 3): this {
    return this.op(0x84 + n);
  }
  reduce(): this {
    return this.op(0x52);
  }
  build(): this {
    return this.op(0x62);
  }
  setitem(): this {
    return this.op(0x73);
  }
  setitems(): this {
    return this.op(0x75);
  }
  appends(): this {
    return this.op(0x65);
  }
  binpersid(): this {
    return this.op(0x51);
  }
  put(index: number): this {
    return index < 256 ? this.op(0x71, index) : this.op(0x72, ...u32(index));
  }
  get(index: number): this {
    return index < 256 ? this.op(0x68, index) : this.op(0x6a, ...u32(index));
  }
  int(n: number | bigint): this {
    if (typeof n === 'number' && n >= 0 && n < 256) return this.op(0x4b, n);
    if (typeof n === 'number' && n >= 0 && n < 65536) return this.op(0x4d, n & 0xff, n >> 8);
    if (typeof n === 'number' && n >= -(2 ** 31) && n < 2 ** 31) return this.op(0x4a, ...u32(n >>> 0));
    return this.long1(BigInt(n));
  }
  long1(n: bigint): this {
    const bytes: number[] = [];
    let v = n;
    // Two's complement, shortest form that keeps the sign bit right.
    for (;;) {
      const b = Number(v & 0xffn);
      bytes.push(b);
      v >>= 8n;
      if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) break;
    }
    return this.op(0x8a, bytes.length, ...bytes);
  }
  str(s: string): this {
    const bytes = new TextEncoder().encode(s);
    return this.op(0x58, ...u32(bytes.length)).raw(bytes);
  }
  /** GLOBAL, memoised: the second use of the same global is a BINGET. */
  global(module: string, name: string): this {
    const key = `${module}\n${name}\n`;
    const known = this.memo.get(key);
    if (known !== undefined) return this.get(known);
    this.op(0x63).raw(new TextEncoder().encode(key));
    const index = this.memo.size;
    this.memo.set(key, index);
    return this.put(index);
  }
  /** Pushes a fresh memo slot for the value on top (exercises BINPUT / LONG_BINPUT). */
  memoize(): this {
    const index = this.memo.size;
    this.memo.set(`#${index}`, index);
    return this.put(index);
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** The state_dict pickle as torch.save writes it (OrderedDict + _rebuild_tensor_v2 + BUILD _metadata). */
export function stateDictPickle(spec: CheckpointSpec, format: 'zip' | 'legacy'): Uint8Array {
  const storages = new Map(spec.storages.map((s) => [s.key, s]));
  const w = new PickleWriter().proto(2);
  if (spec.wrapKey !== undefined) w.emptyDict().memoize().mark().str(spec.wrapKey);
  w.global('collections', 'OrderedDict').emptyTuple().reduce().memoize();
  w.mark();
  for (const t of spec.tensors) {
    const storage = storages.get(t.storage);
    if (!storage) throw new Error(`no storage ${t.storage}`);
    w.str(t.name);
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.mark();
    // persistent id
    w.mark()
      .str('storage')
      .global('torch', STORAGE_CLASS[storage.dtype])
      .str(storage.key)
      .str('cpu')
      .int(storage.numel);
    if (format === 'legacy') w.none();
    w.tuple().memoize().binpersid();
    w.int(t.storageOffset ?? 0);
    w.mark();
    for (const s of t.shape) w.int(s);
    w.tuple();
    w.mark();
    for (const s of t.stride ?? rowMajorStrides(t.shape)) w.int(s);
    w.tuple();
    w.bool(false);
    w.global('collections', 'OrderedDict').emptyTuple().reduce();
    w.tuple().reduce().memoize();
  }
  w.setitems();
  // state: {'_metadata': OrderedDict({'': {'version': 1}})}
  w.emptyDict().str('_metadata').global('collections', 'OrderedDict').emptyTuple().reduce();
  w.str('').emptyDict().str('version').int(1).setitem().setitem();
  w.setitem().build();
  if (spec.wrapKey !== undefined) w.str('epoch').int(7).setitems();
  return w.stop().toBytes();
}

function storageBytes(s: StorageSpec): Uint8Array {
  const bytes = typeof s.bytes === 'function' ? s.bytes() : s.bytes;
  if (bytes.length !== s.numel * ELEMENT_BYTES[s.dtype]) {
    throw new Error(`storage ${s.key}: ${bytes.length} bytes for ${s.numel} ${s.dtype}`);
  }
  return bytes;
}

/** The legacy torch.save stream, chunk by chunk (so a 230 MB file can be written without holding it). */
export function* legacyChunks(spec: CheckpointSpec): Generator<Uint8Array> {
  yield new PickleWriter().proto(2).long1(0x1950a86a20f9469cfc6cn).stop().toBytes();
  yield new PickleWriter().proto(2).int(1001).stop().toBytes();
  const sys = new PickleWriter().proto(2).emptyDict().mark();
  sys.str('protocol_version').int(1001).str('little_endian').bool(true).str('type_sizes');
  sys.emptyDict().mark().str('short').int(2).str('int').int(4).str('long').int(4).setitems();
  yield sys.setitems().stop().toBytes();
  yield spec.pickle ?? stateDictPickle(spec, 'legacy');
  const keys = new PickleWriter().proto(2).emptyList().mark();
  for (const s of spec.storages) keys.str(s.key);
  yield keys.appends().stop().toBytes();
  for (const s of spec.storages) {
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, BigInt(s.numel), true);
    yield count;
    yield storageBytes(s);
  }
}

export function writeLegacy(spec: CheckpointSpec): Uint8Array {
  return concat([...legacyChunks(spec)]);
}

export interface ZipWriteOptions {
  prefix?: string;
  /** Also write a zip64 end-of-central-directory record + locator, as torch does. */
  zip64?: boolean;
  /** Leave data.pkl out (to test the "no data.pkl" error). */
  omitPickle?: boolean;
}

/** A stored zip laid out like torch's writer: entries aligned to 64 bytes through a padding extra field. */
export function writeTorchZip(spec: CheckpointSpec, options: ZipWriteOptions = {}): Uint8Array {
  const prefix = options.prefix ?? 'archive';
  const entries: Array<[string, Uint8Array]> = [];
  if (!options.omitPickle) entries.push([`${prefix}/data.pkl`, spec.pickle ?? stateDictPickle(spec, 'zip')]);
  for (const s of spec.storages) entries.push([`${prefix}/data/${s.key}`, storageBytes(s)]);
  entries.push([`${prefix}/version`, new TextEncoder().encode('3\n')]);
  return writeZip(entries, { zip64: options.zip64 });
}

export interface ZipOptions {
  /** Also write a zip64 end-of-central-directory record + locator, as torch does. */
  zip64?: boolean;
  /** Deflate every entry, as a generic zip tool re-packing the archive would (no torch padding). */
  deflate?: boolean;
}

/** A zip laid out like torch's writer (stored, entries 64-byte aligned), or deflated with `deflate`. */
export function writeZip(entries: Array<[string, Uint8Array]>, options: ZipOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const method = options.deflate ? 8 : 0;
  for (const [name, data] of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const packed = options.deflate ? new Uint8Array(deflateRawSync(data)) : data;
    const headerLength = 30 + nameBytes.length;
    const pad = (64 - ((offset + headerLength + 4) % 64)) % 64;
    const extra = options.deflate ? new Uint8Array(0) : new Uint8Array(4 + pad);
    if (!options.deflate) {
      new DataView(extra.buffer).setUint16(0, 0x4246, true); // torch's "FB" padding record
      new DataView(extra.buffer).setUint16(2, pad, true);
    }
    const crc = crc32(data);
    const local = new Uint8Array(30);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(8, method, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, packed.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, nameBytes.length, true);
    l.setUint16(28, extra.length, true);
    parts.push(local, nameBytes, extra, packed);

    const c = new Uint8Array(46);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, packed.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    central.push(c, nameBytes);
    offset += 30 + nameBytes.length + extra.length + packed.length;
  }
  const dirOffset = offset;
  const dirSize = central.reduce((n, p) => n + p.length, 0);
  const tail: Uint8Array[] = [];
  if (options.zip64) {
    const rec = new Uint8Array(56);
    const r = new DataView(rec.buffer);
    r.setUint32(0, 0x06064b50, true);
    r.setBigUint64(4, 44n, true);
    r.setUint16(12, 45, true);
    r.setUint16(14, 45, true);
    r.setBigUint64(24, BigInt(entries.length), true);
    r.setBigUint64(32, BigInt(entries.length), true);
    r.setBigUint64(40, BigInt(dirSize), true);
    r.setBigUint64(48, BigInt(dirOffset), true);
    const loc = new Uint8Array(20);
    const lv = new DataView(loc.buffer);
    lv.setUint32(0, 0x07064b50, true);
    lv.setBigUint64(8, BigInt(dirOffset + dirSize), true);
    lv.setUint32(16, 1, true);
    tail.push(rec, loc);
  }
  const eocd = new Uint8Array(22);
  const e = new DataView(eocd.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, dirSize, true);
  e.setUint32(16, dirOffset, true);
  return concat([...parts, ...central, ...tail, eocd]);
}

export interface SafetensorsEntry {
  name: string;
  dtype: 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'U8' | 'BOOL';
  shape: number[];
  bytes: Uint8Array;
}

export function writeSafetensors(
  entries: SafetensorsEntry[],
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of entries) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // the reference writer pads to 8 bytes
  const jsonBytes = new TextEncoder().encode(json);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  return concat([len, jsonBytes, ...entries.map((t) => t.bytes)]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export function float64Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float64Array.from(values).buffer);
}

export function uint16Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Uint16Array.from(values).buffer);
}

let CRC_TABLE: Uint32Array | undefined;

export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
