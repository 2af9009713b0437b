/**
 * Reading the `biggan` settings chunk back from a PNG. Only the chunk list is walked: pixels are
 * never decoded (a 2 MB PNG can declare 16384x16384 16-bit pixels, 1.6 GB of them), and compressed
 * text is inflated only up to MAX_PNG_TEXT characters.
 */
import type { Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { inflateWithin } from '../io/bounded_inflate';
import { MAX_PNG_CHUNKS, MAX_PNG_TEXT } from '../limits';
import { quoteUntrusted } from '../show_untrusted';
import { parseSampleRecord, PNG_TEXT_KEY, type SampleRecord } from './sample_record';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface Chunk {
  type: string;
  data: Uint8Array;
  offset: number;
}

function damaged(problem: string): never {
  throw new SettingsError(`This PNG is damaged: ${problem}. Export the sample again, or drop the original file.`);
}

/** The chunks up to IEND, checked for framing; the first must be IHDR, as the PNG format requires. */
function pngChunks(bytes: Uint8Array): Chunk[] {
  if (!isPng(bytes)) throw new SettingsError('This file is not a PNG image. Drop a PNG exported by BigGAN Explorer.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let at = 8;
  for (;;) {
    if (chunks.length >= MAX_PNG_CHUNKS) damaged(`it has more than ${MAX_PNG_CHUNKS} chunks`);
    if (at === bytes.length) damaged('it ends without its IEND chunk (the file was probably cut short)');
    if (at + 12 > bytes.length) damaged(`it ends inside the header of a chunk at byte ${at}`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) damaged(`the chunk at byte ${at} has an invalid type ${quoteUntrusted(type)}`);
    if (at + 12 + length > bytes.length) damaged(`its ${type} chunk at byte ${at} runs past the end of the file`);
    if (chunks.length === 0 && type !== 'IHDR') damaged(`its first chunk is ${type}, not IHDR`);
    chunks.push({ type, data: bytes.subarray(at + 8, at + 8 + length), offset: at });
    at += 12 + length;
    if (type === 'IEND') return chunks;
  }
}

export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const ihdr = pngChunks(bytes)[0]!;
  if (ihdr.data.length !== 13) damaged(`its IHDR chunk holds ${ihdr.data.length} bytes, not 13`);
  const v = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13);
  return { width: v.getUint32(0), height: v.getUint32(4) };
}

/** tEXt, zTXt and iTXt chunks as [keyword, text], in file order. */
export function pngTextEntries(bytes: Uint8Array): [string, string][] {
  const entries: [string, string][] = [];
  for (const chunk of pngChunks(bytes)) {
    const entry = textOf(chunk);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Keyword -> text; of a repeated keyword, the first. */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(pngTextEntries(bytes).reverse());
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function textOf(chunk: Chunk): [string, string] | undefined {
  if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') return undefined;
  const where = `its ${chunk.type} chunk at byte ${chunk.offset}`;
  const d = chunk.data;
  const nul = d.indexOf(0);
  if (nul < 1 || nul > 79) damaged(`${where} has no valid keyword`);
  const key = latin1.decode(d.subarray(0, nul));
  const inflate = (compressed: Uint8Array): Uint8Array => {
    let out: Uint8Array | undefined;
    try {
      out = inflateWithin(compressed, 'zlib', MAX_PNG_TEXT);
    } catch (e) {
      damaged(`${where} does not decompress (${quoteUntrusted((e as Error).message)})`);
    }
    if (!out) damaged(`${where} inflates to more than ${MAX_PNG_TEXT} bytes, far more than any settings record`);
    return out!;
  };
  let body: string;
  if (chunk.type === 'tEXt') {
    body = latin1.decode(d.subarray(nul + 1));
  } else if (chunk.type === 'zTXt') {
    if (d[nul + 1] !== 0) damaged(`${where} uses an unknown compression method`);
    body = latin1.decode(inflate(d.subarray(nul + 2)));
  } else {
    const compressed = d[nul + 1] === 1;
    const lang = d.indexOf(0, nul + 3);
    const translated = lang < 0 ? -1 : d.indexOf(0, lang + 1);
    if (translated < 0) damaged(`${where} is malformed`);
    const raw = d.subarray(translated + 1);
    try {
      body = utf8.decode(compressed ? inflate(raw) : raw);
    } catch (e) {
      if (e instanceof SettingsError) throw e;
      return damaged(`${where} is not valid UTF-8`);
    }
  }
  if (body.length > MAX_PNG_TEXT)
    damaged(`${where} holds more than ${MAX_PNG_TEXT} characters, far more than any settings record`);
  return [key, body];
}

export function readSampleRecord(bytes: Uint8Array, arch?: Architecture): SampleRecord {
  const records = pngTextEntries(bytes).filter(([key]) => key === PNG_TEXT_KEY);
  if (records.length > 1) {
    throw new SettingsError(
      `This PNG carries ${records.length} BigGAN Explorer settings chunks; an export writes one, so which to trust is unclear. ` +
        'Export the sample again.',
    );
  }
  const text = records[0]?.[1];
  if (text === undefined) {
    throw new SettingsError(
      "This PNG carries no BigGAN Explorer settings (no 'biggan' text chunk): it was not exported " +
        'by BigGAN Explorer, or an editor removed its metadata.',
    );
  }
  return parseSampleRecord(text, arch);
}
