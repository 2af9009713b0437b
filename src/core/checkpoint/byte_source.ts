import { CheckpointFormatError } from '../errors';
import type { CheckpointSource } from './types';

/**
 * Random access over a checkpoint's bytes. Released checkpoints are ~236 MB, so a Blob (a browser
 * File, or Node's `fs.openAsBlob`) is read slice by slice and never copied whole.
 */
export interface ByteSource {
  readonly size: number;
  /**
   * Exactly `length` bytes starting at `offset`. The result may share memory with the source
   * (in-memory buffers are not copied), so callers must treat it as read-only. A Blob source reads
   * into `scratch` when it is given and long enough, and returns a view of it: reusing one buffer
   * across storages spares fresh memory for each one.
   */
  read(offset: number, length: number, scratch?: Uint8Array): Promise<Uint8Array>;
  /** Fills `target` with the bytes starting at `offset` (lets tensor data land in its final array). */
  readInto(offset: number, target: Uint8Array): Promise<void>;
}

export function byteSourceFrom(source: CheckpointSource): ByteSource {
  if (source instanceof Uint8Array) return new BufferSource(source);
  if (source instanceof ArrayBuffer) return new BufferSource(new Uint8Array(source));
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new BlobSource(source);
  throw new CheckpointFormatError(
    'The checkpoint source is not a Blob, File, ArrayBuffer or Uint8Array; pass the file itself.',
  );
}

/** Throws unless [offset, offset + length) lies inside a file of `size` bytes. */
export function checkRange(size: number, offset: number, length: number, what = 'data'): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new CheckpointFormatError(
      `Cannot read ${what}: invalid byte range (offset ${offset}, length ${length}); the file is corrupt.`,
    );
  }
  if (offset + length > size) {
    throw new CheckpointFormatError(
      `Cannot read ${what} at byte offset ${offset}: it needs bytes up to ${offset + length} but the file ` +
        `ends at byte ${size}. The file is truncated (the download was probably cut short); download it again.`,
    );
  }
}

class BufferSource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.byteLength;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
  async readInto(offset: number, target: Uint8Array): Promise<void> {
    target.set(await this.read(offset, target.length));
  }
}

/** Below this, one `arrayBuffer()` call is cheapest; above, streaming into place avoids a concat copy. */
const STREAM_THRESHOLD = 1 << 20;

class BlobSource implements ByteSource {
  readonly size: number;
  constructor(private readonly blob: Blob) {
    this.size = blob.size;
  }
  async read(offset: number, length: number, scratch?: Uint8Array): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    if (length >= STREAM_THRESHOLD) {
      const target = scratch && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
      await this.readInto(offset, target);
      return target;
    }
    const buffer = length === 0 ? new ArrayBuffer(0) : await this.blob.slice(offset, offset + length).arrayBuffer();
    if (buffer.byteLength !== length) throw changedWhileReading(offset, length, buffer.byteLength);
    return new Uint8Array(buffer);
  }

  async readInto(offset: number, target: Uint8Array): Promise<void> {
    const length = target.length;
    checkRange(this.size, offset, length);
    if (length < STREAM_THRESHOLD) {
      target.set(await this.read(offset, length));
      return;
    }
    // getReader() rather than `for await`: async iteration of streams is missing in some browsers.
    const reader = this.blob
      .slice(offset, offset + length)
      .stream()
      .getReader();
    let filled = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (filled + value.length > length) {
        await reader.cancel();
        throw changedWhileReading(offset, length, filled + value.length);
      }
      target.set(value, filled);
      filled += value.length;
    }
    if (filled !== length) throw changedWhileReading(offset, length, filled);
  }
}

/** A Blob backed by a file that changed on disk after it was opened. */
function changedWhileReading(offset: number, wanted: number, got: number): CheckpointFormatError {
  return new CheckpointFormatError(
    `Reading ${wanted} bytes at byte offset ${offset} returned ${got}: the file changed or shrank while it was ` +
      'being read. Select the file again.',
  );
}
