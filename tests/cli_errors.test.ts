/**
 * Hostile and malformed input on the command line: every error ends in one line
 * `biggan <command>: ...` with exit code 1, no stack (unless --debug), no WASM glue code, nothing
 * echoed at length, and NaN or Inf refused wherever a number comes in.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../src/core/export/png';
import { PNG_TEXT_KEY } from '../src/core/export/sample_record';
import { writeNpy } from '../src/core/io/npy';
import { GOOD_RECORD } from './fuzz/crafted';
import { biggan } from './helpers/cli';
import { PickleWriter, float32Bytes, writeLegacy, writeSafetensors } from './helpers/torch_writer';

const tmp = mkdtempSync(join(tmpdir(), 'biggan-cli-errors-'));

/** Exit 1, and stderr ends in one line naming the command, with no stack or glue code anywhere. */
function expectOneLine(r: { code: number; stderr: string }, command: string, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(new RegExp(`^biggan ${command}: `));
  expect(lines.at(-1)).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.length).toBeLessThan(3000);
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

describe('command-line errors', () => {
  it('a .npy of the wrong shape: one line, exit 1, no WASM glue dump', async () => {
    const z = file('z23.npy', writeNpy({ shape: [2, 3], data: new Float32Array(6) }));
    const c = file('c23.npy', writeNpy({ shape: [2, 3], data: new Float32Array(6) }));
    const r = await biggan(
      'sample',
      '--z',
      z,
      '--class-vector',
      c,
      '--truncation',
      '0.5',
      '--out-npy',
      join(tmp, 'o.npy'),
    );
    expectOneLine(r, 'sample', /z must have shape \[N, 120\] with N at least 1; it has \[2, 3\]/);
    const z0 = file('z0.npy', writeNpy({ shape: [0, 120], data: new Float32Array(0) }));
    const c0 = file('c0.npy', writeNpy({ shape: [0, 10], data: new Float32Array(0) }));
    const empty = await biggan(
      'sample',
      '--z',
      z0,
      '--class-vector',
      c0,
      '--truncation',
      '0.5',
      '--out-npy',
      join(tmp, 'o.npy'),
    );
    expectOneLine(empty, 'sample', /z must have shape \[N, 120\] with N at least 1; it has \[0, 120\]/);
  });

  it('a .npy with NaN, and NaN or Inf flags, are refused', async () => {
    const z = file('znan.npy', writeNpy({ shape: [1, 3], data: Float32Array.of(0, NaN, 0) }));
    const r = await biggan(
      'sample',
      '--z',
      z,
      '--class-vector',
      z,
      '--truncation',
      '0.5',
      '--out-npy',
      join(tmp, 'o.npy'),
    );
    expectOneLine(r, 'sample', /non-finite value: value 1 \(flat index\) is NaN/);
    for (const [flag, value] of [
      ['--truncation', 'NaN'],
      ['--seed', 'Infinity'],
      ['--batch', '-Infinity'],
    ]) {
      const f = await biggan('sample', `${flag}=${value}`, '--out', join(tmp, 'x.png'));
      expectOneLine(f, 'sample', new RegExp(`${flag} must be a number; got '${value}'`));
    }
  });

  it('a record with a 10 MB model id is refused without echoing it', async () => {
    const png = file(
      'long-id.png',
      encodePng(
        { width: 1, height: 1, data: new Uint8Array(3) },
        {
          [PNG_TEXT_KEY]: JSON.stringify({ ...GOOD_RECORD, model: { ...GOOD_RECORD.model, id: 'x'.repeat(10 << 20) } }),
        },
      ),
    );
    const r = await biggan('sample', '--from', png, '--out', join(tmp, 'x.png'));
    expectOneLine(r, 'sample', /holds more than 1048576 characters, far more than any settings record/);
  });

  it('a checkpoint whose tensor name is a 10k-deep tuple: one line from convert and info', async () => {
    const w = new PickleWriter().proto(2).emptyDict().mark().none();
    for (let i = 0; i < 10_000; i++) w.op(0x85);
    const pickle = w.str('x').setitems().stop().toBytes();
    const path = file('deep.bin', writeLegacy({ storages: [], tensors: [], pickle }));
    expectOneLine(
      await biggan('convert', path, '--out', join(tmp, 'deep-out')),
      'convert',
      /nested more than 100 deep/,
    );
    expectOneLine(await biggan('info', path), 'info', /nested more than 100 deep/);
  });

  it('info reports a safetensors file with trailing bytes instead of "problems: none"', async () => {
    const good = writeSafetensors([{ name: 'a', dtype: 'F32', shape: [2], bytes: float32Bytes([1, 2]) }]);
    const path = file('trailing.safetensors', Uint8Array.from([...good, 0, 0, 0, 0]));
    const r = await biggan('info', path);
    expect(r.stdout).not.toMatch(/problems:\s+none/);
    expectOneLine(r, 'info', /4 bytes after the last tensor/);
  });

  it('--debug adds the stack, still ending in the one line', async () => {
    const r = await biggan('info', join(tmp, 'no-such-file.bin'), '--debug');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\s+at /m);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^biggan info: .*no-such-file\.bin.*Check the path/);
  });

  it('an unknown flag: the usage, then the one line', async () => {
    const r = await biggan('sample', '--sideways');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Usage: biggan sample/m);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^biggan sample: Unknown option '--sideways'/);
  });
});
