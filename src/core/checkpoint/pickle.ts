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

/**
 * The state of one run: the bytes and read position, the stack, marks and memo, and the limits.
 * Every read is bounds-checked here, so a truncated pickle becomes an error, never a bad read.
 */
class Machine {
  readonly stack: unknown[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, unknown>();
  // How deep each container nests, so a 10k-deep tuple fails here and never reaches a recursive walk.
  private readonly depths = new WeakMap<object, number>();
  private readonly view: DataView;
  private readonly end: number;
  private opcodes = 0;
  pos = 0;
  opStart = 0;
  opcode = -1;
  /** Set by STOP. */
  result: UnpickleResult | undefined;
  readonly base: number;
  private readonly complete: boolean;
  private readonly what: string;

  constructor(
    private readonly bytes: Uint8Array,
    readonly options: UnpickleOptions,
  ) {
    this.base = options.baseOffset ?? 0;
    this.complete = options.complete ?? true;
    this.what = options.what ?? 'the pickle';
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.byteLength;
  }

  /** Where the current opcode starts, in the file. */
  get at(): number {
    return this.base + this.opStart;
  }

  fail(problem: string): never {
    throw new CheckpointFormatError(
      `${capitalise(this.what)} is malformed at byte offset ${this.at} (opcode ${opcodeLabel(this.opcode)}): ${problem}. ` +
        'The file is corrupt or not a PyTorch checkpoint.',
    );
  }

  unsupported(): never {
    throw new CheckpointFormatError(
      `${capitalise(this.what)} has an unsupported opcode ${opcodeLabel(this.opcode)} at byte offset ${this.at}. ` +
        'The file is corrupt, or not a PyTorch state_dict checkpoint this reader understands.',
    );
  }

  /** Reads the next opcode, enforcing the opcode and stack limits first. */
  next(): number {
    this.opStart = this.pos;
    this.opcode = -1; // "no opcode yet" for the truncation message
    if (++this.opcodes > MAX_PICKLE_OPCODES)
      this.fail(`it runs more than ${MAX_PICKLE_OPCODES} opcodes; a state_dict needs far fewer`);
    if (this.stack.length > MAX_PICKLE_STACK) this.fail(`it holds more than ${MAX_PICKLE_STACK} values on its stack`);
    this.opcode = this.u8();
    return this.opcode;
  }

  need(n: number): number {
    if (n < 0 || !Number.isSafeInteger(n)) this.fail(`invalid length ${n}`);
    if (this.pos + n > this.end) {
      if (!this.complete) throw new NeedMoreBytes();
      const what = capitalise(this.what);
      if (this.opcode < 0) {
        throw new CheckpointFormatError(
          `${what} ends at byte ${this.base + this.end} without its STOP opcode. The file is truncated (the ` +
            'download was probably cut short); download it again.',
        );
      }
      throw new CheckpointFormatError(
        `${what} ends early: opcode ${opcodeLabel(this.opcode)} at byte offset ${this.at} needs ` +
          `${this.pos + n - this.opStart} bytes but the data ends at byte ${this.base + this.end}. The file is truncated (the ` +
          'download was probably cut short); download it again.',
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number {
    return this.bytes[this.need(1)]!;
  }
  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  u64(): number {
    const v = this.view.getBigUint64(this.need(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${v} is too large`);
    return Number(v);
  }
  /** Pickle floats are big-endian. */
  f64(): number {
    return this.view.getFloat64(this.need(8), false);
  }
  take(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }
  line(): string {
    const at = this.pos;
    const nl = this.bytes.indexOf(0x0a, at);
    if (nl < 0) this.need(this.end - at + 1); // throws: no newline before the end
    this.pos = nl + 1;
    return latin1.decode(this.bytes.subarray(at, nl));
  }
  text(n: number): string {
    const raw = this.take(n);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('a string is not valid UTF-8');
    }
  }

  push(value: unknown): void {
    this.stack.push(value);
  }
  private checkNotEmpty(): void {
    const { stack, marks } = this;
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!))
      this.fail('the stack is empty');
  }
  pop(): unknown {
    this.checkNotEmpty();
    return this.stack.pop();
  }
  top(): unknown {
    this.checkNotEmpty();
    return this.stack[this.stack.length - 1];
  }
  popToMark(): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail('no MARK to pop to');
    return this.stack.splice(mark);
  }

  /** Records that `container` now holds `items`, refusing nesting past the limit. */
  nest<T extends object>(container: T, items: readonly unknown[]): T {
    let deepest = this.depths.get(container) ?? 1;
    for (const item of items) {
      const depth = typeof item === 'object' && item !== null ? (this.depths.get(item) ?? 1) : 0;
      deepest = Math.max(deepest, depth + 1);
    }
    if (deepest > MAX_PICKLE_NESTING) {
      this.fail(`containers are nested more than ${MAX_PICKLE_NESTING} deep; a state_dict needs a handful of levels`);
    }
    this.depths.set(container, deepest);
    return container;
  }

  memoGet(index: number): unknown {
    if (!this.memo.has(index)) this.fail(`memo entry ${index} was never stored`);
    return this.memo.get(index);
  }
  memoPut(index: number, value: unknown): void {
    if (this.memo.size >= MAX_PICKLE_MEMO && !this.memo.has(index))
      this.fail(`the memo holds more than ${MAX_PICKLE_MEMO} entries`);
    this.memo.set(index, value);
  }
}

type Handler = (m: Machine) => void;

/** Framing and the stack itself. */
const CONTROL: Record<number, Handler> = {
  [OP.PROTO]: (m) => {
    const version = m.u8();
    if (version > 5) m.fail(`pickle protocol ${version} is newer than any known`);
  },
  [OP.FRAME]: (m) => void m.u64(), // framing is only a read-ahead hint
  [OP.STOP]: (m) => {
    m.result = { value: m.pop(), length: m.pos };
  },
  [OP.MARK]: (m) => void m.marks.push(m.stack.length),
  [OP.POP]: (m) => {
    if (m.marks.length > 0 && m.stack.length === m.marks[m.marks.length - 1]) m.marks.pop();
    else m.pop();
  },
  [OP.POP_MARK]: (m) => void m.popToMark(),
  [OP.DUP]: (m) => m.push(m.top()),
};

/** None, booleans, ints and floats. */
const SCALARS: Record<number, Handler> = {
  [OP.NONE]: (m) => m.push(null),
  [OP.NEWTRUE]: (m) => m.push(true),
  [OP.NEWFALSE]: (m) => m.push(false),
  [OP.BININT]: (m) => m.push(m.i32()),
  [OP.BININT1]: (m) => m.push(m.u8()),
  [OP.BININT2]: (m) => m.push(m.u16()),
  [OP.LONG1]: (m) => m.push(decodeLong(m.take(m.u8()))),
  [OP.BINFLOAT]: (m) => m.push(m.f64()),
};

/** str and bytes. */
const STRINGS: Record<number, Handler> = {
  [OP.BINUNICODE]: (m) => m.push(m.text(m.u32())),
  [OP.SHORT_BINUNICODE]: (m) => m.push(m.text(m.u8())),
  [OP.BINUNICODE8]: (m) => m.push(m.text(m.u64())),
  [OP.BINSTRING]: (m) => {
    const n = m.i32();
    if (n < 0) m.fail('negative string length');
    m.push(latin1.decode(m.take(n)));
  },
  [OP.SHORT_BINSTRING]: (m) => m.push(latin1.decode(m.take(m.u8()))),
  [OP.BINBYTES]: (m) => m.push(m.take(m.u32()).slice()),
  [OP.SHORT_BINBYTES]: (m) => m.push(m.take(m.u8()).slice()),
  [OP.BINBYTES8]: (m) => m.push(m.take(m.u64()).slice()),
};

function tupleOf(m: Machine, items: unknown[]): void {
  m.push(m.nest(items, items));
}

function setItems(m: Machine, target: unknown, items: unknown[]): void {
  if (!(target instanceof Map)) m.fail('SETITEM(S) target is not a dict');
  if (items.length % 2 !== 0) m.fail('SETITEMS got an odd number of items');
  const map = m.nest(target as Map<unknown, unknown>, items);
  for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
}

function appendItems(m: Machine, target: unknown, items: unknown[]): void {
  if (!Array.isArray(target)) m.fail('APPEND(S) target is not a list');
  const list = m.nest(target as unknown[], items);
  // One push per item: spreading 100k+ items as arguments overflows the call stack.
  for (const item of items) list.push(item);
}

/** Lists, tuples, dicts and sets, and filling them. */
const CONTAINERS: Record<number, Handler> = {
  [OP.EMPTY_LIST]: (m) => m.push([]),
  [OP.EMPTY_TUPLE]: (m) => m.push([]),
  [OP.EMPTY_DICT]: (m) => m.push(new Map()),
  [OP.EMPTY_SET]: (m) => m.push(new Set()),
  [OP.TUPLE]: (m) => tupleOf(m, m.popToMark()),
  [OP.TUPLE1]: (m) => tupleOf(m, [m.pop()]),
  [OP.TUPLE2]: (m) => {
    const b = m.pop();
    tupleOf(m, [m.pop(), b]);
  },
  [OP.TUPLE3]: (m) => {
    const c = m.pop();
    const b = m.pop();
    tupleOf(m, [m.pop(), b, c]);
  },
  [OP.FROZENSET]: (m) => {
    const items = m.popToMark();
    m.push(m.nest(new Set(items), items));
  },
  [OP.APPEND]: (m) => {
    const item = m.pop();
    appendItems(m, m.top(), [item]);
  },
  [OP.APPENDS]: (m) => {
    const items = m.popToMark();
    appendItems(m, m.top(), items);
  },
  [OP.SETITEM]: (m) => {
    const value = m.pop();
    const key = m.pop();
    setItems(m, m.top(), [key, value]);
  },
  [OP.SETITEMS]: (m) => {
    const items = m.popToMark();
    setItems(m, m.top(), items);
  },
  [OP.ADDITEMS]: (m) => {
    const items = m.popToMark();
    const target = m.top();
    if (!(target instanceof Set)) m.fail('ADDITEMS target is not a set');
    const set = m.nest(target as Set<unknown>, items);
    for (const item of items) set.add(item);
  },
};

/** The memo: values stored once and referred to again. */
const MEMO: Record<number, Handler> = {
  [OP.BINPUT]: (m) => m.memoPut(m.u8(), m.top()),
  [OP.LONG_BINPUT]: (m) => m.memoPut(m.u32(), m.top()),
  [OP.MEMOIZE]: (m) => m.memoPut(m.memo.size, m.top()),
  [OP.BINGET]: (m) => m.push(m.memoGet(m.u8())),
  [OP.LONG_BINGET]: (m) => m.push(m.memoGet(m.u32())),
};

function pushGlobal(m: Machine, module: string, name: string): void {
  m.push(m.options.resolveGlobal(module, name, m.at));
}

/** Globals, calls and persistent ids: the only opcodes that reach outside data, each through the caller. */
const CALLS: Record<number, Handler> = {
  [OP.GLOBAL]: (m) => {
    const module = m.line();
    pushGlobal(m, module, m.line());
  },
  [OP.STACK_GLOBAL]: (m) => {
    const name = m.pop();
    const module = m.pop();
    if (typeof module !== 'string' || typeof name !== 'string') m.fail('STACK_GLOBAL needs two strings');
    pushGlobal(m, module as string, name as string);
  },
  [OP.REDUCE]: (m) => {
    const args = m.pop();
    const callable = m.pop();
    if (!Array.isArray(args)) m.fail('REDUCE arguments are not a tuple');
    if (!isCallable(callable)) m.fail('REDUCE target is not a whitelisted global');
    const result = (callable as PickleCallable).call(args as unknown[], m.at);
    if (typeof result === 'object' && result !== null) m.nest(result, args as unknown[]);
    m.push(result);
  },
  // BUILD would set attributes (e.g. an OrderedDict's `_metadata`); nothing we keep needs them.
  [OP.BUILD]: (m) => {
    m.pop();
    m.top();
  },
  [OP.BINPERSID]: (m) => {
    const pid = m.pop();
    if (!m.options.persistentLoad) m.fail('persistent ids are not allowed here');
    m.push(m.options.persistentLoad!(pid, m.at));
  },
};

const HANDLERS = new Map<number, Handler>(
  [CONTROL, SCALARS, STRINGS, CONTAINERS, MEMO, CALLS].flatMap((family) =>
    Object.entries(family).map(([code, h]) => [Number(code), h] as const),
  ),
);

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): UnpickleResult {
  const machine = new Machine(bytes, options);
  for (;;) {
    const handler = HANDLERS.get(machine.next());
    if (!handler) machine.unsupported();
    handler!(machine);
    if (machine.result) return machine.result;
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
