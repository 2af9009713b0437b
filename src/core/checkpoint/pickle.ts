import { CheckpointFormatError } from '../errors';
import { MAX_PICKLE_MEMO, MAX_PICKLE_NESTING, MAX_PICKLE_OPCODES, MAX_PICKLE_STACK } from '../limits';

/**
 * A data-only unpickler. Python's pickle is a small stack machine whose GLOBAL + REDUCE opcodes
 * call arbitrary functions; here GLOBAL goes through a caller-supplied whitelist (which throws for
 * anything else) and REDUCE only invokes the objects that whitelist returned. Nothing is imported,
 * evaluated or executed, whatever the bytes say.
 *
 * Values: None -> null, bool, int -> number (bigint beyond 2^53), float -> number, str -> string,
 * bytes -> Uint8Array, list and tuple -> array, dict -> Map, set -> Set.
 */

/** What GLOBAL pushes: an object that REDUCE may call, decided by the whitelist. */
export interface PickleCallable {
  readonly qualifiedName: string;
  call(args: unknown[], offset: number): unknown;
}

export interface UnpickleOptions {
  /** Returns the callable for `module.name`, or throws (UnsafePickleError) to refuse it. */
  resolveGlobal(module: string, name: string, offset: number): PickleCallable;
  /** Turns a persistent id (BINPERSID) into a value; each container resolves storages its own way. */
  persistentLoad?(pid: unknown, offset: number): unknown;
  /** File offset of bytes[0], so errors name positions in the file, not in the slice. */
  baseOffset?: number;
  /**
   * True when `bytes` runs to the end of the file (or zip entry). When false, running out of bytes
   * throws NeedMoreBytes so the caller can read a longer prefix and retry.
   */
  complete?: boolean;
  /** Name used in error messages, e.g. "the state_dict pickle". */
  what?: string;
}

export interface UnpickleResult {
  value: unknown;
  /** Bytes consumed, STOP included: where the next back-to-back pickle starts. */
  length: number;
}

/** Thrown (only when `complete` is false) when the pickle continues past the bytes given. */
export class NeedMoreBytes extends Error {
  constructor() {
    super('pickle continues past the bytes read so far');
    this.name = 'NeedMoreBytes';
  }
}

const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  BINFLOAT: 0x47, // G
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  BINSTRING: 0x54, // T
  SHORT_BINSTRING: 0x55, // U
  BINUNICODE: 0x58, // X
  EMPTY_LIST: 0x5d, // ]
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c
  APPENDS: 0x65, // e
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_DICT: 0x7d, // }
  EMPTY_TUPLE: 0x29, // )
  BINBYTES: 0x42, // B
  SHORT_BINBYTES: 0x43, // C
  PROTO: 0x80,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;

const OPCODE_NAMES = new Map<number, string>(Object.entries(OP).map(([name, code]) => [code, name]));

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function opcodeLabel(code: number): string {
  const name = OPCODE_NAMES.get(code);
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  if (name) return `${name} (${hex})`;
  const printable = code >= 0x20 && code < 0x7f ? ` '${String.fromCharCode(code)}'` : '';
  return `${hex}${printable}`;
}

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): UnpickleResult {
  const base = options.baseOffset ?? 0;
  const complete = options.complete ?? true;
  const what = options.what ?? 'the pickle';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;

  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  // How deep each container nests, so a 10k-deep tuple fails here and never reaches a recursive walk.
  const depths = new WeakMap<object, number>();
  let opcodes = 0;
  let pos = 0;
  let opStart = 0;
  let opcode = -1;

  const fail = (problem: string): never => {
    throw new CheckpointFormatError(
      `${capitalise(what)} is malformed at byte offset ${base + opStart} (opcode ${opcodeLabel(opcode)}): ${problem}. ` +
        'The file is corrupt or not a PyTorch checkpoint.',
    );
  };

  // Every read is bounds-checked here, so a truncated pickle becomes an error, never a bad read.
  const need = (n: number): number => {
    if (n < 0 || !Number.isSafeInteger(n)) fail(`invalid length ${n}`);
    if (pos + n > end) {
      if (!complete) throw new NeedMoreBytes();
      if (opcode < 0) {
        throw new CheckpointFormatError(
          `${capitalise(what)} ends at byte ${base + end} without its STOP opcode. The file is truncated (the ` +
            'download was probably cut short); download it again.',
        );
      }
      throw new CheckpointFormatError(
        `${capitalise(what)} ends early: opcode ${opcodeLabel(opcode)} at byte offset ${base + opStart} needs ` +
          `${pos + n - opStart} bytes but the data ends at byte ${base + end}. The file is truncated (the ` +
          'download was probably cut short); download it again.',
      );
    }
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => bytes[need(1)]!;
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const i32 = (): number => view.getInt32(need(4), true);
  const u64 = (): number => {
    const v = view.getBigUint64(need(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`length ${v} is too large`);
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    const at = need(n);
    return bytes.subarray(at, at + n);
  };
  const line = (): string => {
    const at = pos;
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) need(end - at + 1); // throws: no newline before the end
    pos = nl + 1;
    return latin1.decode(bytes.subarray(at, nl));
  };
  const text = (n: number): string => {
    const raw = take(n);
    try {
      return utf8.decode(raw);
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };

  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!)) {
      fail('the stack is empty');
    }
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!)) {
      fail('the stack is empty');
    }
    return stack[stack.length - 1];
  };
  const popToMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) fail('no MARK to pop to');
    return stack.splice(mark!);
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) fail(`memo entry ${index} was never stored`);
    return memo.get(index);
  };
  const depthOf = (value: unknown): number =>
    typeof value === 'object' && value !== null ? (depths.get(value) ?? 1) : 0;
  /** Records that `container` now holds `items`, refusing nesting past the limit. */
  const nest = <T extends object>(container: T, items: readonly unknown[]): T => {
    let deepest = depths.get(container) ?? 1;
    for (const item of items) deepest = Math.max(deepest, depthOf(item) + 1);
    if (deepest > MAX_PICKLE_NESTING) {
      fail(`containers are nested more than ${MAX_PICKLE_NESTING} deep; a state_dict needs a handful of levels`);
    }
    depths.set(container, deepest);
    return container;
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) fail('SETITEM(S) target is not a dict');
    if (items.length % 2 !== 0) fail('SETITEMS got an odd number of items');
    const map = nest(target as Map<unknown, unknown>, items);
    for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]): void => {
    if (!Array.isArray(target)) fail('APPEND(S) target is not a list');
    const list = nest(target as unknown[], items);
    // One push per item: spreading 100k+ items as arguments overflows the call stack.
    for (const item of items) list.push(item);
  };
  const memoPut = (index: number, value: unknown): void => {
    if (memo.size >= MAX_PICKLE_MEMO && !memo.has(index)) fail(`the memo holds more than ${MAX_PICKLE_MEMO} entries`);
    memo.set(index, value);
  };
  const pushGlobal = (module: string, name: string): void => {
    stack.push(options.resolveGlobal(module, name, base + opStart));
  };

  for (;;) {
    opStart = pos;
    opcode = -1; // "no opcode yet" for the truncation message
    if (++opcodes > MAX_PICKLE_OPCODES) fail(`it runs more than ${MAX_PICKLE_OPCODES} opcodes; a state_dict needs far fewer`);
    if (stack.length > MAX_PICKLE_STACK) fail(`it holds more than ${MAX_PICKLE_STACK} values on its stack`);
    opcode = u8();
    switch (opcode) {
      case OP.PROTO: {
        const version = u8();
        if (version > 5) fail(`pickle protocol ${version} is newer than any known`);
        break;
      }
      case OP.FRAME:
        u64(); // framing is only a read-ahead hint
        break;
      case OP.STOP: {
        const value = pop();
        return { value, length: pos };
      }
      case OP.MARK:
        marks.push(stack.length);
        break;
      case OP.POP:
        if (marks.length > 0 && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case OP.POP_MARK:
        popToMark();
        break;
      case OP.DUP:
        stack.push(top());
        break;

      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        stack.push(i32());
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(u16());
        break;
      case OP.LONG1:
        stack.push(decodeLong(take(u8())));
        break;
      case OP.BINFLOAT:
        stack.push(view.getFloat64(need(8), false)); // pickle floats are big-endian
        break;

      case OP.BINUNICODE:
        stack.push(text(u32()));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(text(u8()));
        break;
      case OP.BINUNICODE8:
        stack.push(text(u64()));
        break;
      case OP.BINSTRING: {
        const n = i32();
        if (n < 0) fail('negative string length');
        stack.push(latin1.decode(take(n)));
        break;
      }
      case OP.SHORT_BINSTRING:
        stack.push(latin1.decode(take(u8())));
        break;
      case OP.BINBYTES:
        stack.push(take(u32()).slice());
        break;
      case OP.SHORT_BINBYTES:
        stack.push(take(u8()).slice());
        break;
      case OP.BINBYTES8:
        stack.push(take(u64()).slice());
        break;

      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.EMPTY_TUPLE:
        stack.push([]);
        break;
      case OP.EMPTY_DICT:
        stack.push(new Map());
        break;
      case OP.EMPTY_SET:
        stack.push(new Set());
        break;
      case OP.TUPLE: {
        const items = popToMark();
        stack.push(nest(items, items));
        break;
      }
      case OP.TUPLE1: {
        const items = [pop()];
        stack.push(nest(items, items));
        break;
      }
      case OP.TUPLE2: {
        const b = pop();
        const a = pop();
        const items = [a, b];
        stack.push(nest(items, items));
        break;
      }
      case OP.TUPLE3: {
        const c = pop();
        const b = pop();
        const a = pop();
        const items = [a, b, c];
        stack.push(nest(items, items));
        break;
      }
      case OP.FROZENSET: {
        const items = popToMark();
        stack.push(nest(new Set(items), items));
        break;
      }
      case OP.APPEND: {
        const item = pop();
        appendItems(top(), [item]);
        break;
      }
      case OP.APPENDS: {
        const items = popToMark();
        appendItems(top(), items);
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const items = popToMark();
        setItems(top(), items);
        break;
      }
      case OP.ADDITEMS: {
        const items = popToMark();
        const target = top();
        if (!(target instanceof Set)) fail('ADDITEMS target is not a set');
        const set = nest(target as Set<unknown>, items);
        for (const item of items) set.add(item);
        break;
      }

      case OP.BINPUT:
        memoPut(u8(), top());
        break;
      case OP.LONG_BINPUT:
        memoPut(u32(), top());
        break;
      case OP.MEMOIZE:
        memoPut(memo.size, top());
        break;
      case OP.BINGET:
        stack.push(memoGet(u8()));
        break;
      case OP.LONG_BINGET:
        stack.push(memoGet(u32()));
        break;

      case OP.GLOBAL: {
        const module = line();
        const name = line();
        pushGlobal(module, name);
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        pushGlobal(module as string, name as string);
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        const callable = pop();
        if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple');
        if (!isCallable(callable)) fail('REDUCE target is not a whitelisted global');
        const result = (callable as PickleCallable).call(args as unknown[], base + opStart);
        if (typeof result === 'object' && result !== null) nest(result, args as unknown[]);
        stack.push(result);
        break;
      }
      case OP.BUILD: {
        // BUILD would set attributes (e.g. an OrderedDict's `_metadata`); nothing we keep needs them.
        pop();
        top();
        break;
      }
      case OP.BINPERSID: {
        const pid = pop();
        if (!options.persistentLoad) fail('persistent ids are not allowed here');
        stack.push(options.persistentLoad!(pid, base + opStart));
        break;
      }
      default:
        throw new CheckpointFormatError(
          `${capitalise(what)} has an unsupported opcode ${opcodeLabel(opcode)} at byte offset ${base + opStart}. ` +
            'The file is corrupt, or not a PyTorch state_dict checkpoint this reader understands.',
        );
    }
  }
}

function isCallable(value: unknown): value is PickleCallable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PickleCallable).call === 'function' &&
    typeof (value as PickleCallable).qualifiedName === 'string'
  );
}

/** LONG1 payload: little-endian two's complement. Small values become numbers. */
function decodeLong(raw: Uint8Array): number | bigint {
  if (raw.length === 0) return 0;
  let value = 0n;
  for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]!);
  if (raw[raw.length - 1]! & 0x80) value -= 1n << BigInt(raw.length * 8);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}
