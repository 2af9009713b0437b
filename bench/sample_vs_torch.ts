/**
 * Whole processes, side by side: `biggan sample --batch N` (start, tfjs + threads, load the
 * benchmark model as converted from torch's checkpoint, one forward, PNGs written, exit) against a
 * PyTorch eager process doing the same (import torch, torch.load the same checkpoint, one forward
 * at batch N, exit; bench/torch_baseline.py).
 * Rounds alternate which goes first, so load from others slows both alike; medians and the ratio
 * are printed, for wall time and for CPU time (user + system, all threads), which moves less with
 * load. The torch process must be on a real BLAS (run_bench.ts refuses the reference BLAS too).
 *
 *   npx tsx bench/sample_vs_torch.ts [--model deep128] [--batch 8] [--rounds 3] [--threads 2]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchModel, ensureCheckpoint, ensureModelDir } from './models';
import { median } from './median';

const ROOT = join(import.meta.dirname, '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

interface Timing {
  wallS: number;
  cpuS: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time, which reports the child's own wall and CPU seconds. */
async function timed(cmd: string, args: string[], env: Record<string, string>): Promise<Timing> {
  const dir = mkdtempSync(join(tmpdir(), 'sample-vs-torch-'));
  const report = join(dir, 'time.txt');
  try {
    const { stdout } = await promisify(execFile)('/usr/bin/time', ['-o', report, '-f', '%e %U %S', cmd, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      maxBuffer: 16 * 2 ** 20,
    });
    const [wall, user, sys] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return { wallS: wall, cpuS: user + sys, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const m = benchModel(arg('model', 'deep128'));
  const batch = Number(arg('batch', '8'));
  const rounds = Number(arg('rounds', '3'));
  const threads = arg('threads', '2');
  const dir = await ensureModelDir(m);
  const checkpoint = await ensureCheckpoint(m);
  const out = mkdtempSync(join(tmpdir(), 'sample-vs-torch-png-'));
  const ours = () =>
    timed(
      process.execPath,
      [join(ROOT, 'bin/biggan.mjs'), 'sample', '--model', dir, '--batch', String(batch), '--out', join(out, 's.png')],
      {
        BIGGAN_WASM_THREADS: threads,
      },
    );
  const torch = async () => {
    // OpenBLAS's own pool at 1 thread, as run_bench.ts runs torch (its fastest setting here).
    const t = await timed(
      '/usr/bin/python3',
      [
        join(ROOT, 'bench/torch_baseline.py'),
        '--model',
        m.torch,
        '--checkpoint',
        checkpoint,
        '--threads',
        threads,
        '--batches',
        String(batch),
        '--runs',
        '1',
        '--warmup',
        '0',
        '--cold',
      ],
      {
        OPENBLAS_NUM_THREADS: '1',
      },
    );
    const blas = (JSON.parse(t.stdout) as { blas: { reference: boolean; libs: string[] } }).blas;
    if (blas.reference)
      throw new Error('PyTorch is on the reference BLAS; install OpenBLAS: apt-get install -y libopenblas0-pthread');
    return t;
  };
  const got: { ours: Timing[]; torch: Timing[] } = { ours: [], torch: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['ours', 'torch'] as const) : (['torch', 'ours'] as const);
      for (const side of order) {
        const t = side === 'ours' ? await ours() : await torch();
        got[side].push(t);
        console.log(`round ${r + 1} ${side}: ${t.wallS.toFixed(2)} s wall, ${t.cpuS.toFixed(2)} s CPU`);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const w = (s: 'ours' | 'torch') => median(got[s].map((t) => t.wallS));
  const c = (s: 'ours' | 'torch') => median(got[s].map((t) => t.cpuS));
  console.log(`\n${m.id}, batch ${batch}, ${threads} threads each, ${rounds} rounds (medians):`);
  console.log(`  biggan sample: ${w('ours').toFixed(2)} s wall, ${c('ours').toFixed(2)} s CPU`);
  console.log(`  torch eager:   ${w('torch').toFixed(2)} s wall, ${c('torch').toFixed(2)} s CPU`);
  console.log(
    `  our speed vs torch (torch time / ours): wall ${(w('torch') / w('ours')).toFixed(2)}x, CPU ${(c('torch') / c('ours')).toFixed(2)}x`,
  );
}

await main();
