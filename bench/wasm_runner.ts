/**
 * One benchmark model on the tfjs wasm backend, in its own process (so its peak RSS is its own),
 * driven by bench/run_bench.ts over stdin/stdout, one JSON request per line:
 *   {"cmd":"run","batch":8,"variant":"current"}   -> {"ms": wall, "cpuMs": process CPU}
 *   With --pool N the runner holds a WasmPool instead (see servePool).
 *   {"cmd":"layers","batch":1,"variant":"current","runs":2} -> tf.profile breakdown
 *   {"cmd":"check","batch":2}                     -> max |current - legacy| on one batch
 *   {"cmd":"stats"}                               -> peak RSS, wasm heap, thread count
 * Replies are single lines starting with "@@ " (tfjs may print its own lines on stdout).
 *
 * Variants share one set of weights: "current" is src/core/nets as it is, "legacy" the generators
 * as committed before this work (bench/legacy_nets), so a change is measured side by side in one
 * process.
 *
 *   npx tsx bench/wasm_runner.ts --model deep128 --threads 2 [--pool 2]
 */
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from '../src/core/nets/generator';
import type { WeightStore } from '../src/core/nets/weight_store';
import type { StatTable } from '../src/core/nets/biggan_deep_generator';
import { startWasmBackend } from '../src/cli/wasm_threads';
import { BigGanDeepGenerator as LegacyDeep } from './legacy_nets/biggan_deep_generator';
import { BigGanGenerator as LegacyBigGan } from './legacy_nets/biggan_generator';
import { WasmPool } from './wasm_pool';
import { readModelJson } from '../src/cli/model_files';
import { benchInputs, benchModel, benchRawInputs, ensureModelDir, loadRandomModel } from './models';
import { profileLayers } from './profile_layers';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function reply(obj: unknown): void {
  process.stdout.write(`@@ ${JSON.stringify(obj)}\n`);
}

function wasmHeapMb(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return (b.wasm?.HEAPU8?.length ?? 0) / 2 ** 20;
}

async function main(): Promise<void> {
  const m = benchModel(arg('model', 'deep128'));
  const poolSize = Number(arg('pool', '0'));
  if (poolSize > 0) return servePool(m.id, poolSize);
  const threads = await startWasmBackend(Number(arg('threads', '1')));
  const t0 = performance.now();
  const loaded = await loadRandomModel(m);
  const current = loaded.generator;
  // The legacy generator reads the same weight tensors (fields are private only to TypeScript).
  const inner = current as unknown as { weights: WeightStore; statTables?: ReadonlyMap<string, StatTable> };
  const a = current.architecture;
  const legacy: Generator =
    a.family === 'biggan-deep' ? new LegacyDeep(a, inner.weights, inner.statTables!) : new LegacyBigGan(a, inner.weights);
  const variants: Record<string, Generator> = { current, legacy };
  const inputsFor = new Map<number, ReturnType<typeof benchInputs>>();
  const inputs = (batch: number) => {
    if (!inputsFor.has(batch)) inputsFor.set(batch, benchInputs(loaded, batch));
    return inputsFor.get(batch)!;
  };
  const gen = (variant: string) => {
    const g = variants[variant ?? 'current'];
    if (!g) throw new Error(`unknown variant ${variant}`);
    return g;
  };
  reply({ ready: true, model: m.id, threads, loadMs: performance.now() - t0, peakRssMb: process.resourceUsage().maxRSS / 1024 });

  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { cmd: string; batch?: number; variant?: string; runs?: number };
    try {
      if (req.cmd === 'run') {
        const g = gen(req.variant ?? 'current');
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
        const g = gen(req.variant ?? 'current');
        const inp = inputs(req.batch ?? 1);
        reply(await profileLayers(() => g.generate(inp), req.runs ?? 2));
      } else if (req.cmd === 'check') {
        const inp = inputs(req.batch ?? 2);
        const x = current.generate(inp);
        const y = legacy.generate(inp);
        const d = tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))));
        reply({ maxAbsDiff: (await d.data())[0] });
        tf.dispose([x, y, d]);
      } else if (req.cmd === 'stats') {
        reply({ peakRssMb: process.resourceUsage().maxRSS / 1024, wasmHeapMb: wasmHeapMb(), threads, tensors: tf.memory().numTensors });
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
