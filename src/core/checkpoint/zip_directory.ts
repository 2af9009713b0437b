import { CheckpointFormatError } from '../errors';
import { BoundedInflater } from '../io/bounded_inflate';
import { MAX_DEFLATE_RATIO, MAX_ZIP_ENTRIES } from '../limits';
import { quoteUntrusted } from '../show_untrusted';
import { type ByteSource, checkRange } from './byte_source';

/**
 * Just enough of the zip format to find entries and read them by offset: the central directory
 * (zip64 included, which torch always writes) and local headers. Only the few KB of directory are
 * read, never the whole archive, and stored entries are then read in place.
 */

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

const utf8 = new TextDecoder('utf-8');

export async function readZipDirectory(source: ByteSource): Promise<ZipEntry[]> {
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const tailView = dataView(tail);

  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    // The comment-length check rejects the signature bytes turning up inside data by chance.
    if (tailView.getUint32(i, true) === EOCD_SIG && i + EOCD_SIZE + tailView.getUint16(i + 20, true) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new CheckpointFormatError(
      `The file starts like a zip archive but has no end-of-central-directory record in its last ${tailLength} ` +
        `bytes (the file is ${source.size} bytes). It is truncated (the download was probably cut short) or ` +
        'damaged; download it again.',
    );
  }

  let entryCount = tailView.getUint16(eocd + 10, true);
  let dirSize = tailView.getUint32(eocd + 12, true);
  let dirOffset = tailView.getUint32(eocd + 16, true);
  const locatorAt = eocd - 20;
  if (locatorAt >= 0 && tailView.getUint32(locatorAt, true) === ZIP64_LOCATOR_SIG) {
    const zip64At = toSafe(tailView.getBigUint64(locatorAt + 8, true), 'zip64 directory offset');
    checkRange(source.size, zip64At, 56, 'the zip64 end-of-central-directory record');
    const rec = dataView(await source.read(zip64At, 56));
    if (rec.getUint32(0, true) !== ZIP64_EOCD_SIG) {
      throw new CheckpointFormatError(
        `The zip64 end-of-central-directory record expected at byte offset ${zip64At} is missing. ` +
          'The file is damaged; download it again.',
      );
    }
    entryCount = toSafe(rec.getBigUint64(32, true), 'zip64 entry count');
    dirSize = toSafe(rec.getBigUint64(40, true), 'zip64 directory size');
    dirOffset = toSafe(rec.getBigUint64(48, true), 'zip64 directory offset');
  }

  if (entryCount > MAX_ZIP_ENTRIES) {
    throw new CheckpointFormatError(
      `The zip directory lists ${entryCount} entries; at most ${MAX_ZIP_ENTRIES} are read. The file is damaged or not a checkpoint.`,
    );
  }
  checkRange(source.size, dirOffset, dirSize, 'the zip central directory');
  const dir = await source.read(dirOffset, dirSize);
  const view = dataView(dir);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = 0;
  for (let i = 0; i < entryCount; i++) {
    const at = dirOffset + p;
    if (p + 46 > dir.length || view.getUint32(p, true) !== CENTRAL_SIG) {
      throw new CheckpointFormatError(
        `Zip central directory entry ${i} of ${entryCount} at byte offset ${at} is malformed. The file is damaged; download it again.`,
      );
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > dir.length) {
      throw new CheckpointFormatError(
        `Zip central directory entry ${i} at byte offset ${at} runs past the directory. The file is damaged; download it again.`,
      );
    }
    const name = utf8.decode(dir.subarray(p + 46, p + 46 + nameLength));
    // zip64 extra field: 64-bit values for whichever 32-bit fields are saturated, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        const read64 = (what: string): number => {
          if (f + 8 > e + 4 + len || f + 8 > extraEnd) {
            throw new CheckpointFormatError(
              `Zip entry ${quoteUntrusted(name)} has a short zip64 field. The file is damaged.`,
            );
          }
          const v = toSafe(view.getBigUint64(f, true), what);
          f += 8;
          return v;
        };
        if (size === 0xffffffff) size = read64('entry size');
        if (compressedSize === 0xffffffff) compressedSize = read64('entry compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = read64('entry offset');
      }
      e += 4 + len;
    }
    const shown = quoteUntrusted(name);
    if (flags & 1) {
      throw new CheckpointFormatError(
        `Zip entry ${shown} is encrypted; checkpoints must not be. Save it without a password.`,
      );
    }
    if (names.has(name)) {
      // Readers disagree on which copy wins (we read the first, torch the last), so neither is right.
      throw new CheckpointFormatError(
        `The zip holds ${shown} twice. The file is damaged or was crafted; re-save it with torch.save.`,
      );
    }
    if (method === 8 && size > compressedSize * MAX_DEFLATE_RATIO + 1024) {
      throw new CheckpointFormatError(
        `Zip entry ${shown} claims to inflate ${compressedSize} bytes to ${size}, more than deflate can expand. The file is damaged or was crafted.`,
      );
    }
    names.add(name);
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    p = next;
  }
  return entries;
}

/** Where an entry's (possibly compressed) bytes start: after its local header, whose extra field may differ. */
export async function entryDataOffset(source: ByteSource, entry: ZipEntry): Promise<number> {
  checkRange(source.size, entry.localHeaderOffset, 30, `the local header of zip entry ${quoteUntrusted(entry.name)}`);
  const header = dataView(await source.read(entry.localHeaderOffset, 30));
  if (header.getUint32(0, true) !== LOCAL_SIG) {
    throw new CheckpointFormatError(
      `Zip entry ${quoteUntrusted(entry.name)} should start at byte offset ${entry.localHeaderOffset} but no local header is there. ` +
        'The file is damaged; download it again.',
    );
  }
  const start = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  checkRange(source.size, start, entry.compressedSize, `zip entry ${quoteUntrusted(entry.name)}`);
  return start;
}

/**
 * The entry's first `wanted` bytes (all of it by default), inflated if needed. Inflation stops at
 * `wanted` and fails the moment it passes the size the directory declares, so a zip bomb costs at
 * most its declared size, never what it would expand to.
 */
export async function readZipEntry(
  source: ByteSource,
  entry: ZipEntry,
  wanted = entry.size,
): Promise<{ bytes: Uint8Array; offset: number }> {
  const offset = await entryDataOffset(source, entry);
  if (entry.method === 0) return { bytes: await source.read(offset, Math.min(wanted, entry.compressedSize)), offset };
  if (entry.method === 8)
    return { bytes: await inflateEntry(source, entry, offset, Math.min(wanted, entry.size)), offset };
  throw new CheckpointFormatError(
    `Zip entry ${quoteUntrusted(entry.name)} uses compression method ${entry.method}; only stored and deflate entries are supported. ` +
      'Re-save the checkpoint with torch.save.',
  );
}

/** Compressed bytes read from the source per step. */
const READ_STEP = 1 << 20;

async function inflateEntry(source: ByteSource, entry: ZipEntry, offset: number, wanted: number): Promise<Uint8Array> {
  const shown = quoteUntrusted(entry.name);
  const inflater = new BoundedInflater('deflate-raw', entry.size);
  try {
    for (let at = 0; at < entry.compressedSize && inflater.length < wanted && !inflater.done; at += READ_STEP) {
      const length = Math.min(READ_STEP, entry.compressedSize - at);
      if (!inflater.push(await source.read(offset + at, length), at + length === entry.compressedSize)) {
        throw new CheckpointFormatError(
          `Zip entry ${shown} inflates to more than the ${entry.size} bytes its zip directory declares; reading ` +
            'stopped there. The file is damaged or was crafted (a zip bomb); download it again.',
        );
      }
    }
  } catch (err) {
    if (err instanceof CheckpointFormatError) throw err;
    throw new CheckpointFormatError(
      `Zip entry ${shown} could not be decompressed (${quoteUntrusted((err as Error).message)}). The file is damaged; download it again.`,
    );
  }
  if (inflater.length < wanted) {
    throw new CheckpointFormatError(
      `Zip entry ${shown} inflates to ${inflater.length} bytes, but its zip directory declares ${entry.size}. ` +
        'The file is damaged; download it again.',
    );
  }
  return inflater.bytes().subarray(0, wanted);
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toSafe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CheckpointFormatError(`The zip's ${what} (${value}) is impossibly large. The file is damaged.`);
  }
  return Number(value);
}
