/**
 * The training recipe takes one step of a tiny model (training/test_one_step.py). CI machines
 * without Debian's python3-torch skip it and say so; the rest of the suite does not need Python.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) {
  console.warn(
    'NOTICE: python3-torch is not installed (apt-get install python3-torch): the training smoke test is skipped.',
  );
}

describe('training recipe', () => {
  it.skipIf(!hasTorch)('runs one training step of a tiny BigGAN and exports the BigGAN-PyTorch layout', () => {
    const r = spawnSync(PYTHON, [resolve(__dirname, '../training/test_one_step.py')], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      timeout: 120_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});
