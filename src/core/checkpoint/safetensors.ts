import { CheckpointFormatError } from '../errors';
import { type ByteSource, checkRange } from './byte_source';
import { ELEMENT_SIZE, SAFETENSORS_DTYPES } from './dtype';
import { MAX_SAFETENSORS_HEADER, MAX_TENSOR_RANK, MAX_TENSORS } from '../limits';
import { quoteUntrusted, showUntrusted } from '../show_untrusted';
import { numelOf } from './tensor_gather';
import { type TensorView, storageInFile } from './tensor_view';

/**
 * safetensors: an 8-byte LE header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`, then the
 * data, with offsets relative to byte 8 + N. Tensors are contiguous and row-major. As the format's
 * specification requires, the tensors must cover the data exactly: no two share a byte, no byte
 * lies between them, none follows the last. A file that breaks this is refused, not guessed at.
 */
export async function readSafetensorsLayout(source: ByteSource): Promise<TensorView[]> {
  checkRange(source.size, 0, 8, 'the safetensors header length');
  const lengthBytes = await source.read(0, 8);
  const headerLength = Number(new DataView(lengthBytes.slice().buffer).getBigUint64(0, true));
  if (headerLength > MAX_SAFETENSORS_HEADER) {
    throw new CheckpointFormatError(
      `The safetensors header claims ${headerLength} bytes; at most ${MAX_SAFETENSORS_HEADER >> 20} MB is read ` +
        '(a BigGAN header is about 60 KB). The file is corrupt or not a safetensors file.',
    );
  }
  if (8 + headerLength > source.size) {
    throw new CheckpointFormatError(
      `The file ends at byte ${source.size} but its safetensors header says the header alone runs to byte ` +
        `${8 + headerLength}. The download was probably cut short; download it again.`,
    );
  }
  const dataStart = 8 + headerLength;
  const dataSize = source.size - dataStart;
  const header = parseHeader(await source.read(8, headerLength), dataStart);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  if (names.length > MAX_TENSORS) {
    throw new CheckpointFormatError(
      `The safetensors header holds ${names.length} tensors; at most ${MAX_TENSORS} are read (the largest BigGAN ` +
        'has 698). The file is corrupt or not a BigGAN checkpoint.',
    );
  }
  checkMetadata(header.__metadata__);

  const views: Array<TensorView & { begin: number; end: number }> = [];
  for (const name of names) {
    const shown = quoteUntrusted(name);
    const bad = (problem: string): never => {
      throw new CheckpointFormatError(`safetensors tensor ${shown} ${problem}. The file is corrupt.`);
    };
    const info = header[name];
    if (typeof info !== 'object' || info === null || Array.isArray(info)) bad('has no description');
    const { dtype: dtypeName, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (dtypeName === undefined) bad('has no dtype');
    const dtype = SAFETENSORS_DTYPES.get(dtypeName as string);
    if (!dtype) {
      throw new CheckpointFormatError(
        `safetensors tensor ${shown} has dtype ${showUntrusted(dtypeName)}; supported are ` +
          `${[...SAFETENSORS_DTYPES.keys()].join(', ')}.`,
      );
    }
    if (!Array.isArray(shape) || shape.length > MAX_TENSOR_RANK || !shape.every(isCount)) {
      bad(`has an invalid shape ${showUntrusted(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      bad(`has invalid data_offsets ${showUntrusted(offsets)}`);
    }
    const dims = shape as number[];
    const [begin, end] = offsets as [number, number];
    const numel = numelOf(dims);
    const elem = ELEMENT_SIZE[dtype];
    if (end < begin || end - begin !== numel * elem) {
      bad(`spans ${end - begin} bytes but shape [${dims.join(', ')}] of ${dtypeName as string} needs ${numel * elem}`);
    }
    if (end > dataSize) {
      throw new CheckpointFormatError(
        `The file ends at byte ${source.size} but safetensors tensor ${shown} runs to byte ${dataStart + end}. ` +
          'The download was probably cut short; download it again.',
      );
    }
    const storage = storageInFile(
      source,
      { label: `the data of ${shown} (byte offset ${dataStart + begin})`, dtype, numel, fileOffset: dataStart + begin },
      dataStart + begin,
    );
    views.push({ name, storage, storageOffset: 0, shape: dims, stride: rowMajorStrides(dims), begin, end });
  }
  // JSON object order puts integer-like names first; the data order is the file's real order.
  views.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkCoverage(views, dataSize, dataStart);
  return views.map(({ begin: _begin, end: _end, ...view }) => view);
}

function parseHeader(bytes: Uint8Array, dataStart: number): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new CheckpointFormatError(
      `The safetensors header (bytes 8 to ${dataStart}) is not valid JSON (${quoteUntrusted((err as Error).message)}). The file is corrupt.`,
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CheckpointFormatError('The safetensors header is not a JSON object. The file is corrupt.');
  }
  return header as Record<string, unknown>;
}

/** The format allows only a flat string-to-string `__metadata__`. */
function checkMetadata(metadata: unknown): void {
  if (metadata === undefined) return;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new CheckpointFormatError(
      'The safetensors __metadata__ is not a JSON object of strings. The file is corrupt.',
    );
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new CheckpointFormatError(
        `The safetensors __metadata__ value ${quoteUntrusted(key)} is not a string but ${showUntrusted(value)}; the ` +
          'format allows only strings there. The file is corrupt or was not written by a safetensors library.',
      );
    }
  }
}

/** Sorted views must tile [0, dataSize) exactly. */
function checkCoverage(
  views: ReadonlyArray<{ name: string; begin: number; end: number }>,
  dataSize: number,
  dataStart: number,
): void {
  let covered = 0;
  let previous: { name: string; end: number } | undefined;
  for (const v of views) {
    if (v.begin < covered) {
      throw new CheckpointFormatError(
        `safetensors tensor ${quoteUntrusted(v.name)} (bytes ${v.begin} to ${v.end}) overlaps ` +
          `${quoteUntrusted(previous!.name)} (which ends at byte ${previous!.end}); the format forbids tensors that ` +
          'share bytes. The file is corrupt or was crafted.',
      );
    }
    if (v.begin > covered) {
      throw new CheckpointFormatError(
        `safetensors data bytes ${covered} to ${v.begin} (file offset ${dataStart + covered}) belong to no tensor; the ` +
          'format forbids holes between tensors. The file is corrupt or was crafted.',
      );
    }
    covered = v.end;
    previous = v;
  }
  if (covered < dataSize) {
    throw new CheckpointFormatError(
      `The safetensors file has ${dataSize - covered} bytes after the last tensor (from file offset ` +
        `${dataStart + covered}); the format forbids trailing data. The file is corrupt or was appended to.`,
    );
  }
}
function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
