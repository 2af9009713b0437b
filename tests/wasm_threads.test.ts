/**
 * Threaded wasm in Node (src/cli/wasm_threads.ts, lazy_pthread_worker.ts), in a process of its own
 * as `biggan` runs it: it gets the threads asked for, starts a worker thread only for the pool
 * entries XNNPACK uses (Emscripten's pool has 8), computes what the cpu backend computes, and lets
 * the process exit by itself.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PROBE = join(import.meta.dirname, 'helpers/wasm_threads_probe.ts');
const TSX = join(import.meta.dirname, '../node_modules/.bin/tsx');

interface Probe {
  threads: number;
  poolEntries: number;
  threadsStarted: number;
  startMs: number;
  maxDiff: number;
}

async function probe(threads: number): Promise<Probe> {
  // The timeout is the hang check: a pool that holds the process open fails here.
  const { stdout } = await promisify(execFile)(TSX, [PROBE, String(threads)], { timeout: 60_000 });
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  expect(line, stdout).toBeTruthy();
  return JSON.parse(line!) as Probe;
}

describe('threaded wasm in Node', () => {
  it('runs 2 threads, starting a worker only for the pool entry XNNPACK uses, and exits by itself', async () => {
    const p = await probe(2);
    console.log(`threaded wasm: ${JSON.stringify(p)}`);
    expect(p.threads).toBe(2);
    expect(p.poolEntries).toBeGreaterThanOrEqual(2);
    // XNNPACK's pool of 2 is the main thread and one pthread.
    expect(p.threadsStarted).toBe(p.threads - 1);
    expect(p.maxDiff).toBeLessThan(1e-4);
  }, 90_000);
});
