/** NumPy .npy (format 1.0/2.0/3.0) for float32 arrays: read little/big-endian f4 (and f8), write <f4. */
import { SettingsError } from '../errors';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function readNpy(bytes: Uint8Array, what = 'the .npy file'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) {
    throw new SettingsError(`${what} is not a NumPy .npy file (no \\x93NUMPY signature).`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new SettingsError(`${what} is truncated inside its header.`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new SettingsError(`${what} has an unreadable header: ${header.trim()}`);
  if (fortran) throw new SettingsError(`${what} is in Fortran order; save it with np.ascontiguousarray first.`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const little = descr[0] !== '>';
  const kind = descr.slice(1);
  const size = kind === 'f4' ? 4 : kind === 'f8' ? 8 : 0;
  if (!size) throw new SettingsError(`${what} holds '${descr}' values; expected float32 ('<f4').`);
  if (dataStart + count * size > bytes.length) {
    throw new SettingsError(`${what} is truncated: its header promises ${count} values.`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const at = dataStart + i * size;
    data[i] = size === 4 ? view.getFloat32(at, little) : view.getFloat64(at, little);
  }
  return { shape, data };
}

export function writeNpy(arr: NpyArray): Uint8Array {
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + arr.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength), 10 + header.length);
  return out;
}
