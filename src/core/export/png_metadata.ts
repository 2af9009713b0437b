/**
 * Reading the `biggan` settings chunk back from a PNG. The header is checked before anything is
 * decoded, so a huge or foreign file is refused cheaply with a message that says what it is.
 */
import { decode } from 'fast-png';
import type { Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { parseSampleRecord, PNG_TEXT_KEY, type SampleRecord } from './sample_record';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Larger than any grid we export; beyond it decoding could exhaust memory. */
export const MAX_PNG_SIDE = 16384;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  if (!isPng(bytes)) throw new SettingsError('This file is not a PNG image. Drop a PNG exported by BigGAN Explorer.');
  if (bytes.length < 24) throw new SettingsError('This PNG is truncated: it ends inside its header.');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

export function readPngText(bytes: Uint8Array): Record<string, string> {
  const { width, height } = pngSize(bytes);
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
    throw new SettingsError(
      `This PNG is ${width}x${height} pixels, larger than any image BigGAN Explorer exports ` +
        `(at most ${MAX_PNG_SIDE} px a side), so it was not read.`,
    );
  }
  try {
    return decode(bytes).text ?? {};
  } catch (e) {
    throw new SettingsError(`This PNG is damaged and cannot be read (${(e as Error).message}).`);
  }
}

export function readSampleRecord(bytes: Uint8Array, arch?: Architecture): SampleRecord {
  const text = readPngText(bytes)[PNG_TEXT_KEY];
  if (text === undefined) {
    throw new SettingsError(
      "This PNG carries no BigGAN Explorer settings (no 'biggan' text chunk): it was not exported " +
        'by BigGAN Explorer, or an editor removed its metadata.',
    );
  }
  return parseSampleRecord(text, arch);
}
