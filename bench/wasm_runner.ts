/**
 * One benchmark model on the tfjs wasm backend, in its own process (so its peak RSS is its own),
 * driven by bench/run_bench.ts over stdin/stdout, one JSON request per line:
 *   {"cmd":"run","batch":8}                -> {"ms": wall, "cpuMs": process CPU}
 *   With --pool N the runner holds a WasmPool instead (see servePool).
 *   {"cmd":"layers","batch":1,"runs":2}    -> tf.profile breakdown
 *   {"cmd":"stats"}                        -> peak RSS, wasm heap, thread count, and
 *       maxAbsDiffVsTorch: {1: max |ours - torch|} on the case torch saved with the checkpoint
 * Replies are single lines starting with "@@ " (tfjs may print its own lines on stdout).
 * The generator is src/core/nets as it is in this checkout, or with --src DIR another revision's
 * src/ (written by bench/old_nets.sh), loaded by that revision's own loader: before/after runs.
 *
 *   npx tsx bench/wasm_runner.ts --model deep128 --threads 2 [--pool 2] [--src .bench-old/<sha>/src]
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { startWasmBackend } from '../src/cli/wasm_threads';
import { WasmPool } from './wasm_pool';
import { readModelJson } from '../src/cli/model_files';
import {
  benchInputs,
  benchModel,
  benchRawInputs,
  ensureCheckpoint,
  ensureModelDir,
  loadBenchModel,
  maxDiffVsTorch,
  readTorchCase,
  type BenchModel,
} from './models';
import type { LoadedModel } from '../src/core/model/load_generator';
import { profileLayers } from './profile_layers';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function reply(obj: unknown): void {
  process.stdout.write(`@@ ${JSON.stringify(obj)}\n`);
}

function wasmHeapMb(): number {
  // `wasm` is the backend's public Emscripten module; HEAPU8 is typed by @types/emscripten, not installed here.
  const module = (tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array };
  return module.HEAPU8.length / 2 ** 20;
}

/** The benchmark model loaded by another revision's src/cli/model_files.ts (its generator code with it). */
async function loadWith(src: string, m: BenchModel): Promise<LoadedModel> {
  const files = (await import(
    pathToFileURL(resolve(src, 'cli/model_files.ts')).href
  )) as typeof import('../src/cli/model_files');
  return files.loadModelFromPath(await ensureModelDir(m));
}

async function main(): Promise<void> {
  const m = benchModel(arg('model', 'deep128'));
  const poolSize = Number(arg('pool', '0'));
  if (poolSize > 0) return servePool(m.id, poolSize);
  const threads = await startWasmBackend(Number(arg('threads', '1')));
  const t0 = performance.now();
  const src = arg('src', '');
  const loaded = src ? await loadWith(src, m) : await loadBenchModel(m);
  const g = loaded.generator;
  const loadMs = performance.now() - t0;
  // On the same weights as torch: a generator that computes something else is not timed.
  const maxAbsDiffVsTorch = { 1: await maxDiffVsTorch(loaded, readTorchCase(await ensureCheckpoint(m))) };
  const inputsFor = new Map<number, ReturnType<typeof benchInputs>>();
  const inputs = (batch: number) => {
    if (!inputsFor.has(batch)) inputsFor.set(batch, benchInputs(loaded, batch));
    return inputsFor.get(batch)!;
  };
  reply({
    ready: true,
    model: m.id,
    threads,
    loadMs,
    maxAbsDiffVsTorch,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  });

  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { cmd: string; batch?: number; runs?: number };
    try {
      if (req.cmd === 'run') {
        const inp = inputs(req.batch ?? 1);
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        const out = g.generate(inp);
        await out.data();
        const ms = performance.now() - w0;
        const c = process.cpuUsage(c0);
        out.dispose();
        reply({ ms, cpuMs: (c.user + c.system) / 1000 });
      } else if (req.cmd === 'layers') {
        const inp = inputs(req.batch ?? 1);
        reply(await profileLayers(() => g.generate(inp), req.runs ?? 2));
      } else if (req.cmd === 'stats') {
        reply({
          peakRssMb: process.resourceUsage().maxRSS / 1024,
          wasmHeapMb: wasmHeapMb(),
          threads,
          tensors: tf.memory().numTensors,
          maxAbsDiffVsTorch,
        });
      } else if (req.cmd === 'quit') {
        break;
      } else {
        reply({ error: `unknown command ${req.cmd}` });
      }
    } catch (e) {
      reply({ error: String((e as Error)?.stack ?? e) });
    }
  }
  // The pthread pool keeps the process alive.
  process.exit(0);
}

/**
 * --pool N: no generator in this thread; N worker threads with one single-threaded wasm backend
 * and generator each (bench/wasm_pool.ts) share every batch image by image. Answers "run" and
 * "stats" only; its peak RSS is the pool's.
 */
async function servePool(id: string, size: number): Promise<void> {
  const m = benchModel(id);
  const dir = await ensureModelDir(m);
  const t0 = performance.now();
  const pool = await WasmPool.start(dir, size);
  const arch = (await readModelJson(dir)).modelTopology.architecture;
  reply({ ready: true, model: m.id, threads: 1, pool: size, loadMs: performance.now() - t0 });
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { cmd: string; batch?: number };
    try {
      if (req.cmd === 'run') {
        const raw = benchRawInputs(arch, req.batch ?? 1);
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        await pool.generate(raw);
        const ms = performance.now() - w0;
        const c = process.cpuUsage(c0);
        reply({ ms, cpuMs: (c.user + c.system) / 1000 });
      } else if (req.cmd === 'stats') {
        reply({ peakRssMb: process.resourceUsage().maxRSS / 1024, threads: 1, pool: size });
      } else if (req.cmd === 'quit') {
        break;
      } else {
        reply({ error: `the pool runner answers run and stats, not ${req.cmd}` });
      }
    } catch (e) {
      reply({ error: String((e as Error)?.stack ?? e) });
    }
  }
  await pool.close();
  process.exit(0);
}

await main();
