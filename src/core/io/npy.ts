/**
 * NumPy .npy (format 1.0/2.0/3.0) for float32 arrays: read little/big-endian f4 (and f8), write <f4.
 * The header is a Python dict literal; it is parsed by its grammar (as numpy's literal_eval does),
 * not by pattern matching, and refused when a key repeats, since readers would disagree on which
 * copy counts. Values must be finite: a NaN or Inf in a latent gives an all-NaN image.
 */
import { SettingsError } from '../errors';
import { MAX_NPY_HEADER, MAX_NPY_RANK } from '../limits';
import { quoteUntrusted } from '../show_untrusted';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const REQUIRED_KEYS = ['descr', 'fortran_order', 'shape'];

export function readNpy(bytes: Uint8Array, what = 'The .npy file'): NpyArray {
  const fail = (problem: string): never => {
    throw new SettingsError(`${what} ${problem}. Save the array with numpy.save (float32, C order).`);
  };
  if (bytes.length < 8 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new SettingsError(`${what} is not a NumPy .npy file (no \\x93NUMPY signature).`);
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`is .npy format version ${major}.${bytes[7]}, which this reader does not know`);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) fail('ends inside its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLen > MAX_NPY_HEADER) fail(`has a ${headerLen}-byte header; at most ${MAX_NPY_HEADER} bytes are read`);
  if (start + headerLen > bytes.length) fail('ends inside its header');
  const headerBytes = bytes.subarray(start, start + headerLen);
  let headerText: string;
  try {
    headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(headerBytes);
  } catch {
    return fail('has a header that is not valid text');
  }
  const header = parseHeader(headerText, fail);

  const descr = header.get('descr');
  if (typeof descr !== 'string') return fail('has a descr that is not a dtype string');
  if (typeof header.get('fortran_order') !== 'boolean') fail('has a fortran_order that is not True or False');
  if (header.get('fortran_order') === true) fail('is in Fortran order; save it with np.ascontiguousarray first');
  const shape = header.get('shape');
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number'))
    return fail('has a shape that is not a tuple of integers');
  if (shape.length > MAX_NPY_RANK) fail(`has ${shape.length} dimensions; at most ${MAX_NPY_RANK} are read`);

  const order = descr[0];
  const kind = descr.slice(1);
  const size = kind === 'f4' ? 4 : kind === 'f8' ? 8 : 0;
  if (!size || !(order === '<' || order === '>' || order === '=')) {
    fail(`holds ${quoteUntrusted(descr, 20)} values; expected float32 ('<f4')`);
  }
  const little = order !== '>';
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const dataBytes = bytes.length - dataStart;
  if (count * size > dataBytes)
    fail(`is truncated: its header promises ${count} values (${count * size} bytes), it holds ${dataBytes} bytes`);
  if (count * size < dataBytes)
    fail(`holds ${dataBytes - count * size} bytes after the ${count} values its header declares`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const at = dataStart + i * size;
    const v = size === 4 ? view.getFloat32(at, little) : view.getFloat64(at, little);
    if (!Number.isFinite(v))
      fail(`holds a non-finite value: value ${i} (flat index) is ${v}; every value must be a finite number`);
    data[i] = v;
  }
  return { shape: shape as number[], data };
}

type HeaderValue = string | number | boolean | null | HeaderValue[];

/**
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` and its variants: a dict of string
 * keys to strings, booleans, None, integers or tuples of integers, then spaces and a newline.
 */
function parseHeader(text: string, fail: (problem: string) => never): Map<string, HeaderValue> {
  let pos = 0;
  const bad = (what: string): never =>
    fail(`has an unreadable header (${what} at character ${pos}): ${quoteUntrusted(text.trim(), 80)}`);
  const space = (): void => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
  };
  const expect = (c: string): void => {
    space();
    if (text[pos] !== c) bad(`expected '${c}'`);
    pos++;
  };
  const string = (): string => {
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') return bad('expected a string');
    let out = '';
    for (pos++; pos < text.length && text[pos] !== quote; pos++) {
      if (text[pos] === '\\') pos++; // an escaped character stands for itself (dtype strings need no others)
      if (pos < text.length) out += text[pos];
    }
    if (pos >= text.length) bad('unterminated string');
    pos++;
    return out;
  };
  const integer = (): number => {
    const m = /^[0-9]+L?/.exec(text.slice(pos, pos + 24));
    if (!m) return bad('expected an integer');
    pos += m[0].length;
    const n = Number(m[0].replace('L', ''));
    if (!Number.isSafeInteger(n)) bad('an integer is too large');
    return n;
  };
  const tuple = (): number[] => {
    const items: number[] = [];
    expect('(');
    for (;;) {
      space();
      if (text[pos] === ')') break;
      items.push(integer());
      space();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ')') bad("expected ',' or ')'");
    }
    pos++;
    return items;
  };
  const value = (): HeaderValue => {
    space();
    const c = text[pos];
    if (c === "'" || c === '"') return string();
    if (c === '(') return tuple();
    if (c !== undefined && c >= '0' && c <= '9') return integer();
    for (const [word, v] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    return bad('expected a value');
  };

  const entries = new Map<string, HeaderValue>();
  expect('{');
  for (;;) {
    space();
    if (text[pos] === '}') break;
    const key = string();
    if (entries.has(key))
      fail(`has a header in which the key ${quoteUntrusted(key, 20)} appears twice, so its meaning is ambiguous`);
    expect(':');
    entries.set(key, value());
    space();
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}') bad("expected ',' or '}'");
  }
  pos++;
  space();
  if (pos !== text.length) bad('text after the dict');
  const keys = [...entries.keys()].sort();
  if (keys.join() !== REQUIRED_KEYS.join()) {
    fail(
      `has header keys ${quoteUntrusted(keys.join(', '), 60)}; a .npy header has exactly ${REQUIRED_KEYS.join(', ')}`,
    );
  }
  return entries;
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
