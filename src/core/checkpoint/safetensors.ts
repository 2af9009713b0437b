import { CheckpointFormatError } from '../errors';
import { type ByteSource, checkRange } from './byte_source';
import { ELEMENT_SIZE, SAFETENSORS_DTYPES } from './dtype';
import { numelOf } from './tensor_gather';
import { type TensorView, storageInFile } from './tensor_view';

/**
 * safetensors: an 8-byte LE header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {...}}`, then the data, with
 * offsets relative to byte 8 + N. Tensors are contiguous and row-major.
 */

/** Headers are a few hundred KB at most; anything huge is not a safetensors file. */
export const MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024;

export async function readSafetensorsLayout(source: ByteSource): Promise<TensorView[]> {
  checkRange(source.size, 0, 8, 'the safetensors header length');
  const lengthBytes = await source.read(0, 8);
  const headerLength = Number(new DataView(lengthBytes.slice().buffer).getBigUint64(0, true));
  if (headerLength > MAX_SAFETENSORS_HEADER) {
    throw new CheckpointFormatError(`The safetensors header claims ${headerLength} bytes, which is implausible. The file is corrupt.`);
  }
  if (8 + headerLength > source.size) {
    throw new CheckpointFormatError(
      `The file ends at byte ${source.size} but its safetensors header says the header alone runs to byte ` +
        `${8 + headerLength}. The download was probably cut short; download it again.`,
    );
  }
  const dataStart = 8 + headerLength;
  const dataSize = source.size - dataStart;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(8, headerLength)));
  } catch (err) {
    throw new CheckpointFormatError(
      `The safetensors header (bytes 8 to ${dataStart}) is not valid JSON (${(err as Error).message}). The file is corrupt.`,
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CheckpointFormatError('The safetensors header is not a JSON object. The file is corrupt.');
  }

  const views: Array<TensorView & { begin: number }> = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const bad = (problem: string): never => {
      throw new CheckpointFormatError(`safetensors tensor "${name}" ${problem}. The file is corrupt.`);
    };
    if (typeof info !== 'object' || info === null) bad('has no description');
    const { dtype: dtypeName, shape, data_offsets: offsets } = info as Record<string, unknown>;
    const dtype = SAFETENSORS_DTYPES.get(String(dtypeName));
    if (!dtype) {
      throw new CheckpointFormatError(
        `safetensors tensor "${name}" has dtype ${JSON.stringify(dtypeName)}; supported are ` +
          `${[...SAFETENSORS_DTYPES.keys()].join(', ')}.`,
      );
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) bad(`has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      bad(`has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const dims = shape as number[];
    const [begin, end] = offsets as [number, number];
    const numel = numelOf(dims);
    const elem = ELEMENT_SIZE[dtype];
    if (end < begin || end - begin !== numel * elem) {
      bad(`spans ${end - begin} bytes but shape [${dims.join(', ')}] of ${dtypeName} needs ${numel * elem}`);
    }
    if (end > dataSize) {
      throw new CheckpointFormatError(
        `The file ends at byte ${source.size} but safetensors tensor "${name}" runs to byte ${dataStart + end}. ` +
          'The download was probably cut short; download it again.',
      );
    }
    const storage = storageInFile(
      source,
      { label: `the data of "${name}" (byte offset ${dataStart + begin})`, dtype, numel, fileOffset: dataStart + begin },
      dataStart + begin,
    );
    views.push({ name, storage, storageOffset: 0, shape: dims, stride: rowMajorStrides(dims), begin });
  }
  // JSON object order puts integer-like names first; the data order is the file's real order.
  views.sort((a, b) => a.begin - b.begin);
  return views.map(({ begin: _begin, ...view }) => view);
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
