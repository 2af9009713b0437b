/**
 * The benchmark's PyTorch side (bench/torch_baseline.py) is a peer only if it computes what the
 * reference computes, and "the same weights on every side" holds only if the checkpoint it saves
 * is read by our loader into a generator that gives torch's image. Both are checked here on the
 * fixture models. Needs /usr/bin/python3 with torch (Debian's python3-torch); without it the test
 * says so and skips.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxDiffVsTorch, readTorchCase } from '../bench/models';
import { loadModelFromPath } from '../src/cli/model_files';
import { setBackend } from './helpers/backends';
import { fixturePath, type FixtureFamily } from './helpers/fixtures';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '../bench/torch_baseline.py');
const FAMILIES: FixtureFamily[] = ['biggan-deep', 'biggan', 'biggan-tfhub'];

function torchAvailable(): boolean {
  const ok = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (!ok) console.warn(`NOTICE: ${PYTHON} cannot import torch (apt-get install -y python3-torch); skipped.`);
  return ok;
}

const baseline = (args: string[]) =>
  execFileSync(PYTHON, [SCRIPT, '--threads', '1', ...args], { encoding: 'utf8', maxBuffer: 2 ** 24 });

describe.skipIf(!torchAvailable())('the PyTorch benchmark baseline', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'torch-baseline-'));
    await setBackend('cpu');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(FAMILIES)(
    'computes the reference images of the %s fixture, folded and unfolded',
    (family) => {
      const result = JSON.parse(baseline(['--check-fixture', fixturePath(family)])) as {
        cases: Record<string, { folded: number; unfolded: number }>;
      };
      const cases = Object.entries(result.cases);
      expect(cases.length).toBeGreaterThanOrEqual(2);
      for (const [name, diff] of cases) {
        expect(diff.folded, name).toBeLessThan(1e-5);
        expect(diff.unfolded, name).toBeLessThan(1e-5);
      }
    },
    60_000,
  );

  it.each(FAMILIES)(
    'saves drawn %s weights as a checkpoint that our loader turns into the same images',
    async (family) => {
      // A key list of the fixture's shapes, so the weights are drawn, not copied from the fixture.
      const index = JSON.parse(readFileSync(fixturePath(family, 'tensors', 'state_dict.index.json'), 'utf8')) as {
        tensors: Record<string, { shape: number[] }>;
      };
      const keys = join(dir, `${family}.tsv`);
      writeFileSync(
        keys,
        Object.entries(index.tensors)
          .map(([k, v]) => `${k}\t${JSON.stringify(v.shape)}\tfloat32`)
          .join('\n'),
      );
      const checkpoint = join(dir, `${family}.pt`);
      const meta = JSON.parse(baseline(['--keys', keys, '--save-checkpoint', checkpoint, '--batch', '2'])) as {
        batch: number;
      };
      expect(meta.batch).toBe(2);
      const loaded = await loadModelFromPath(checkpoint);
      try {
        const c = readTorchCase(checkpoint);
        expect(c.meta.inputs.z[0]).toBe(2);
        expect(await maxDiffVsTorch(loaded, c)).toBeLessThan(1e-4);
      } finally {
        loaded.generator.dispose();
      }
    },
    60_000,
  );
});
