/**
 * Inflation that stops at a byte budget. A deflate stream expands up to 1032:1, so a 2 MB zip
 * entry or PNG text chunk can hold 2 GB; fflate inflates it here in small pieces and the inflation
 * is abandoned the moment the output passes `limit`, so memory never exceeds the budget.
 */
import { Inflate, Unzlib } from 'fflate';

/** Compressed bytes fed per step: the most one step can expand to is about 1032 times this. */
const STEP = 4096;

export type DeflateFormat = 'deflate-raw' | 'zlib';

export class BoundedInflater {
  private readonly parts: Uint8Array[] = [];
  /** Inflated bytes so far. */
  length = 0;
  /** True once the output ran past the limit (inflation then stops). */
  exceeded = false;
  /** True once the stream's final block has been inflated. */
  done = false;
  private readonly stream: Inflate | Unzlib;

  constructor(
    format: DeflateFormat,
    private readonly limit: number,
  ) {
    const onData = (data: Uint8Array, final: boolean): void => {
      if (this.length + data.length > this.limit) {
        this.exceeded = true;
        throw OVER_LIMIT;
      }
      this.parts.push(data);
      this.length += data.length;
      if (final) this.done = true;
    };
    this.stream = format === 'zlib' ? new Unzlib(onData) : new Inflate(onData);
  }

  /**
   * Feeds compressed bytes; `final` when they are the last. Returns false once the limit is passed.
   * A corrupt stream throws fflate's error.
   */
  push(chunk: Uint8Array, final: boolean): boolean {
    for (let at = 0; at < chunk.length || (final && at === 0); at += STEP) {
      const end = Math.min(chunk.length, at + STEP);
      try {
        this.stream.push(chunk.subarray(at, end), final && end === chunk.length);
      } catch (err) {
        if (err === OVER_LIMIT) return false;
        throw err;
      }
      if (this.done) break;
    }
    return true;
  }

  /** The output so far, in one array. */
  bytes(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0]!;
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const OVER_LIMIT = new Error('inflated past the limit');

/** Inflates an in-memory stream, or returns undefined when it would pass `limit` bytes. */
export function inflateWithin(bytes: Uint8Array, format: DeflateFormat, limit: number): Uint8Array | undefined {
  const inflater = new BoundedInflater(format, limit);
  if (!inflater.push(bytes, true)) return undefined;
  if (!inflater.done) throw new Error('the compressed data ends before its last block');
  return inflater.bytes();
}
