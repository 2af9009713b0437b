import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BigGanError, CheckpointFormatError, UnsafePickleError } from '../src/core/errors';
import { readCheckpoint } from '../src/core/checkpoint';
import {
  type CheckpointSpec,
  PickleWriter,
  float32Bytes,
  stateDictPickle,
  uint16Bytes,
  writeLegacy,
  writeSafetensors,
  writeZip,
  writeTorchZip,
} from './helpers/torch_writer';
import { FIXTURES } from './helpers/fixtures';
const SHORT = { timeout: 20_000 };

async function failure(source: Uint8Array | Blob): Promise<Error> {
  try {
    await readCheckpoint(source);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected readCheckpoint to fail');
}

const SMALL: CheckpointSpec = {
  storages: [
    { key: '0', dtype: 'float32', numel: 24, bytes: float32Bytes([...Array(24).keys()]) },
    { key: '1', dtype: 'float16', numel: 4, bytes: uint16Bytes([0x3c00, 0x4000, 0x4200, 0x4400]) },
  ],
  tensors: [
    { name: 'w', storage: '0', shape: [4, 6], stride: [1, 4] },
    { name: 'b', storage: '1', shape: [4] },
  ],
};

describe('empty and unknown files', () => {
  it('an empty file', SHORT, async () => {
    const err = await failure(new Uint8Array(0));
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err.message).toMatch(/empty \(0 bytes\).*download/);
  });

  it('random bytes', SHORT, async () => {
    let seed = 99;
    const bytes = Uint8Array.from({ length: 1 << 20 }, () => (seed = (seed * 1664525 + 1013904223) >>> 0) >>> 24);
    const err = await failure(bytes);
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err.message).toMatch(/not a checkpoint this reader knows.*first bytes are/);
  });

  it('a plain pickle that is not torch.save output', SHORT, async () => {
    const err = await failure(new PickleWriter().proto(2).emptyDict().stop().toBytes());
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err.message).toMatch(/pickle.*not a torch\.save checkpoint/);
  });

  it('a zip with no data.pkl names what it found', SHORT, async () => {
    const zip = writeZip([
      ['weights/readme.txt', new TextEncoder().encode('hello')],
      ['weights/model.bin', new Uint8Array(16)],
    ]);
    const err = await failure(zip);
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err.message).toMatch(/no data\.pkl/);
    expect(err.message).toContain('weights/readme.txt, weights/model.bin');
    expect((await failure(writeTorchZip(SMALL, { omitPickle: true }))).message).toMatch(
      /no data\.pkl.*archive\/data\/0/,
    );
  });

  it('a zip whose pickle names a storage it does not hold', SHORT, async () => {
    const zip = writeTorchZip({
      ...SMALL,
      storages: SMALL.storages.slice(0, 1),
      pickle: stateDictPickle(SMALL, 'zip'),
    });
    const err = await failure(zip);
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err.message).toMatch(/refers to storage "1", but the zip has no entry archive\/data\/1/);
  });
});

describe('malicious pickles are refused before anything runs', () => {
  const malicious = (module: string, name: string): Uint8Array =>
    new PickleWriter().proto(2).global(module, name).str('touch /tmp/pwned').tupleN(1).reduce().stop().toBytes();

  it.each([
    ['os', 'system'],
    ['builtins', 'eval'],
    ['posix', 'system'],
    ['subprocess', 'Popen'],
  ])('%s.%s in a legacy file, a zip file, and nested inside a state_dict', SHORT, async (module, name) => {
    const nested = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce();
    nested.str('w').global(module, name).str('x').tupleN(1).reduce().setitem().stop();
    for (const file of [
      writeLegacy({ ...SMALL, pickle: malicious(module, name) }),
      writeTorchZip({ ...SMALL, pickle: malicious(module, name) }),
      writeTorchZip({ ...SMALL, pickle: nested.toBytes() }),
    ]) {
      const err = await failure(file);
      expect(err).toBeInstanceOf(UnsafePickleError);
      expect(err.message).toContain(`"${module}.${name}"`);
      expect(err.message).toMatch(/byte offset \d+/);
      expect(err.message).toMatch(/may be malicious and was not loaded/);
    }
  });

  it('REDUCE never runs: the error points at the GLOBAL, not the REDUCE after it', SHORT, async () => {
    const legacy = writeLegacy({ ...SMALL, pickle: malicious('os', 'system') });
    const pickleStart =
      legacy.length - (24 * 4 + 8) - (4 * 2 + 8) - (malicious('os', 'system').length + keyListLength());
    const err = await failure(legacy);
    // PROTO is 2 bytes, so GLOBAL sits right after the pickle's start.
    expect(err.message).toContain(`byte offset ${pickleStart + 2}`);
  });
});

function keyListLength(): number {
  return new PickleWriter().proto(2).emptyList().mark().str('0').str('1').appends().stop().toBytes().length;
}

describe('wrong content', () => {
  it('a storage shorter than its tensor needs (legacy and zip)', SHORT, async () => {
    const spec: CheckpointSpec = {
      storages: [{ key: '0', dtype: 'float32', numel: 20, bytes: float32Bytes([...Array(20).keys()]) }],
      tensors: [{ name: 'too_big', storage: '0', shape: [4, 6], stride: [1, 4] }],
    };
    for (const file of [writeLegacy(spec), writeTorchZip(spec)]) {
      const err = await failure(file);
      expect(err).toBeInstanceOf(CheckpointFormatError);
      expect(err.message).toMatch(/"too_big".*needs 24 elements of storage "0".*holds only 20/);
    }
  });

  it('a pickle that holds no dict of tensors', SHORT, async () => {
    const list = new PickleWriter().proto(2).emptyList().stop().toBytes();
    expect((await failure(writeTorchZip({ ...SMALL, pickle: list }))).message).toMatch(
      /a list\/tuple of 0 items, not a dict/,
    );
    const dict = new PickleWriter()
      .proto(2)
      .emptyDict()
      .mark()
      .str('epoch')
      .int(3)
      .str('config')
      .none()
      .setitems()
      .stop();
    const err = await failure(writeTorchZip({ ...SMALL, pickle: dict.toBytes() }));
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err.message).toMatch(/keys: "epoch", "config".*"state_dict", "G_ema", "G", "model"/);
  });

  it('an unsupported opcode names itself and its offset', SHORT, async () => {
    const bad = Uint8Array.from([0x80, 0x02, 0x69, 0x2e]);
    const err = await failure(writeTorchZip({ ...SMALL, pickle: bad }));
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect(err.message).toMatch(/unsupported opcode 0x69 'i' at byte offset \d+/);
  });
});

describe('truncated files', () => {
  const fixtures = [
    ['legacy', path.join(FIXTURES, 'biggan', 'G.legacy.pth')],
    ['zip', path.join(FIXTURES, 'biggan', 'G.zip.pth')],
  ] as const;

  describe.each(fixtures)('%s fixture', (_label, file) => {
    const full = new Uint8Array(fs.readFileSync(file));
    const cuts = [1, 10, 100, 1000, 20_000, full.length >> 1, full.length - 100, full.length - 1];
    it.each(cuts)('cut at %i bytes', SHORT, async (cut) => {
      const err = await failure(new Blob([full.subarray(0, cut)]));
      expect(err).toBeInstanceOf(CheckpointFormatError);
      expect(err.message).toMatch(/truncated|cut short/);
      expect(err.message).toMatch(/download it again/);
      expect(err.message).toMatch(/byte/);
    });
  });

  it.each([
    ['legacy', writeLegacy(SMALL)],
    ['zip', writeTorchZip(SMALL, { zip64: true })],
    [
      'safetensors',
      writeSafetensors([{ name: 'w', dtype: 'F32', shape: [6], bytes: float32Bytes([1, 2, 3, 4, 5, 6]) }]),
    ],
  ])('a small %s file cut at every byte fails cleanly', SHORT, async (_label, full) => {
    for (let cut = 0; cut < full.length; cut++) {
      const err = await failure(full.subarray(0, cut));
      if (!(err instanceof CheckpointFormatError)) throw new Error(`cut ${cut}: ${err.name}: ${err.message}`);
      if (cut > 0 && !/truncated|cut short|not a checkpoint/.test(err.message)) {
        throw new Error(`cut ${cut}: unhelpful message: ${err.message}`);
      }
    }
  });

  it('random corruption of a small file only ever yields our own errors', SHORT, async () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const base of [writeLegacy(SMALL), writeTorchZip(SMALL)]) {
      for (let trial = 0; trial < 300; trial++) {
        const bytes = base.slice();
        for (let k = 0; k < 4; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        try {
          await readCheckpoint(bytes);
        } catch (err) {
          if (!(err instanceof BigGanError)) throw new Error(`trial ${trial}: ${(err as Error).stack}`, { cause: err });
        }
      }
    }
  });
});
