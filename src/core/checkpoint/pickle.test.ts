import { describe, expect, it } from 'vitest';
import { CheckpointFormatError, UnsafePickleError } from '../errors';
import { NeedMoreBytes, type PickleCallable, unpickle } from './pickle';
import { TensorRef, resolveTorchGlobal } from './torch_globals';
import { PickleWriter } from '../../../tests/helpers/torch_writer';

const refuseAll = (module: string, name: string): PickleCallable => {
  throw new UnsafePickleError(`refused ${module}.${name}`);
};

describe('unpickle', () => {
  it('decodes scalars, strings, containers and memo references', () => {
    const w = new PickleWriter().proto(2).emptyList().memoize().mark();
    w.int(0)
      .int(255)
      .int(256)
      .int(65535)
      .int(65536)
      .int(-1)
      .int(-(2 ** 31))
      .int(2 ** 40)
      .int(-(2n ** 70n));
    w.none().bool(true).bool(false).str('héllo');
    w.op(0x8c, 2, 0x68, 0x69); // SHORT_BINUNICODE 'hi'
    w.op(0x55, 1, 0x41); // SHORT_BINSTRING 'A'
    w.op(0x47, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18); // BINFLOAT pi (big-endian)
    w.int(1).int(2).tupleN(2);
    w.emptyDict().str('k').int(9).setitem();
    w.get(0); // the list itself, via the memo
    w.appends().stop();
    const { value, length } = unpickle(w.toBytes(), { resolveGlobal: refuseAll });
    expect(length).toBe(w.toBytes().length);
    const list = value as unknown[];
    expect(list.slice(0, 9)).toEqual([0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 40, -(2n ** 70n)]);
    expect(list.slice(9, 16)).toEqual([null, true, false, 'héllo', 'hi', 'A', Math.PI]);
    expect(list[16]).toEqual([1, 2]);
    expect(list[17]).toEqual(new Map([['k', 9]]));
    expect(list[18]).toBe(list);
  });

  it('reads the torch magic number as a bigint', () => {
    const bytes = new PickleWriter().proto(2).long1(0x1950a86a20f9469cfc6cn).stop().toBytes();
    expect(unpickle(bytes, { resolveGlobal: refuseAll }).value).toBe(0x1950a86a20f9469cfc6cn);
  });

  it('builds tensor references through the whitelisted globals only', () => {
    const w = new PickleWriter().proto(2).global('torch._utils', '_rebuild_tensor_v2');
    w.mark().str('pid').binpersid().int(3).int(2).tupleN(1).int(1).tupleN(1).bool(false);
    w.global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce().stop();
    const pids: unknown[] = [];
    const { value } = unpickle(w.toBytes(), {
      resolveGlobal: resolveTorchGlobal,
      persistentLoad: (pid) => {
        pids.push(pid);
        return { storage: pid };
      },
    });
    expect(pids).toEqual(['pid']);
    expect(value).toBeInstanceOf(TensorRef);
    const ref = value as TensorRef;
    expect([ref.storage, ref.storageOffset, ref.size, ref.stride]).toEqual([{ storage: 'pid' }, 3, [2], [1]]);
  });

  it.each([
    ['os', 'system'],
    ['builtins', 'eval'],
    ['posix', 'system'],
    ['subprocess', 'Popen'],
    ['torch', 'load'],
    ['collections', 'defaultdict'],
  ])('refuses the global %s.%s at GLOBAL time, before any REDUCE', (module, name) => {
    const w = new PickleWriter().proto(2);
    const globalAt = w.toBytes().length;
    w.global(module, name).str('echo pwned').tupleN(1).reduce().stop();
    let error: unknown;
    try {
      unpickle(w.toBytes(), { resolveGlobal: resolveTorchGlobal, baseOffset: 1000 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnsafePickleError);
    const message = (error as Error).message;
    expect(message).toContain(`${module}.${name}`);
    expect(message).toContain(`byte offset ${1000 + globalAt}`);
    expect(message).toMatch(/malicious/);
    expect(message).toMatch(/not loaded/);
  });

  it('refuses STACK_GLOBAL the same way', () => {
    const bytes = Uint8Array.from([
      0x80,
      4,
      0x8c,
      2,
      ...'os'.split('').map((c) => c.charCodeAt(0)),
      0x8c,
      6,
      ...'system'.split('').map((c) => c.charCodeAt(0)),
      0x93,
      0x29,
      0x52,
      0x2e,
    ]);
    expect(() => unpickle(bytes, { resolveGlobal: resolveTorchGlobal })).toThrow(/os\.system/);
    expect(() => unpickle(bytes, { resolveGlobal: resolveTorchGlobal })).toThrow(UnsafePickleError);
  });

  it('refuses REDUCE on values that are not whitelisted callables', () => {
    const bytes = new PickleWriter().proto(2).str('os').emptyTuple().reduce().stop().toBytes();
    expect(() => unpickle(bytes, { resolveGlobal: resolveTorchGlobal })).toThrow(CheckpointFormatError);
  });

  it('names unknown opcodes and their offset', () => {
    const bytes = Uint8Array.from([0x80, 2, 0x4b, 1, 0x69, 0x2e]); // 0x69 = INST
    expect(() => unpickle(bytes, { resolveGlobal: refuseAll, baseOffset: 50 })).toThrow(/0x69.*byte offset 54/);
  });

  it('reports a pickle cut at any byte as truncated, or asks for more when not complete', () => {
    const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark();
    w.str('a')
      .int(70000)
      .str('b')
      .long1(2n ** 80n)
      .setitems()
      .stop();
    const full = w.toBytes();
    for (let cut = 0; cut < full.length; cut++) {
      const part = full.subarray(0, cut);
      expect(() => unpickle(part, { resolveGlobal: resolveTorchGlobal })).toThrow(CheckpointFormatError);
      expect(() => unpickle(part, { resolveGlobal: resolveTorchGlobal })).toThrow(/ends early|truncated|malformed/);
      expect(() => unpickle(part, { resolveGlobal: resolveTorchGlobal, complete: false })).toThrow(NeedMoreBytes);
    }
  });

  it('rejects stack underflow, missing MARK, bad memo and bad SETITEMS targets', () => {
    const cases = [
      [0x80, 2, 0x2e], // STOP on empty stack
      [0x80, 2, 0x74, 0x2e], // TUPLE without MARK
      [0x80, 2, 0x68, 7, 0x2e], // BINGET of nothing
      [0x80, 2, 0x5d, 0x4b, 1, 0x4b, 2, 0x73, 0x2e], // SETITEM on a list
      [0x80, 2, 0x28, 0x85, 0x2e], // TUPLE1 across a MARK
      [0x80, 9, 0x2e], // unknown protocol
    ];
    for (const c of cases) {
      expect(() => unpickle(Uint8Array.from(c), { resolveGlobal: refuseAll })).toThrow(CheckpointFormatError);
    }
  });

  it('survives random mutations with only our own errors', () => {
    const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark();
    for (let i = 0; i < 20; i++)
      w.str(`key${i}`)
        .mark()
        .int(i)
        .int(i * 1000)
        .str('x')
        .tuple();
    const base = w.setitems().stop().toBytes();
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = base.slice();
      for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        unpickle(bytes, { resolveGlobal: resolveTorchGlobal, persistentLoad: (p) => p });
      } catch (err) {
        expect(err instanceof CheckpointFormatError || err instanceof UnsafePickleError).toBe(true);
      }
    }
  });
});
