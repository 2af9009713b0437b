/**
 * ONNX Runtime peers for bench/run_bench.ts: the PyTorch baseline's folded net, exported to ONNX by
 * bench/torch_baseline.py (same weights, same arithmetic), run in its own process by
 *   --engine native  onnxruntime-node (the CPU library with its own kernels: the strongest CPU peer)
 *   --engine web     onnxruntime-web's wasm build (SIMD, threads) in Node: the in-browser peer.
 * Both get the same thread count as the other sides (intra-op threads / env.wasm.numThreads).
 * Protocol as bench/wasm_runner.ts, one JSON line each way, replies prefixed "@@ ":
 *   {"cmd":"run","batch":8} -> {"ms", "cpuMs"}; the first run at a batch size loads that batch's
 *       graph (exported with static shapes) and checks its image against torch's own output.
 *   {"cmd":"stats"} -> {"peakRssMb", "maxAbsDiffVsTorch": {batch: max |ort - torch|}}
 *
 *   npx tsx bench/ort_runner.ts --engine native --model deep128 --threads 2
 */
import { createInterface } from 'node:readline';
import type * as Ort from 'onnxruntime-common';
import { benchModel, ensureOnnx, maxAbsDiff, readF32, type OnnxGraph } from './models';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function reply(obj: unknown): void {
  process.stdout.write(`@@ ${JSON.stringify(obj)}\n`);
}

type OrtModule = typeof Ort;

async function loadEngine(
  engine: string,
  threads: number,
): Promise<{ ort: OrtModule; options: Ort.InferenceSession.SessionOptions }> {
  const options: Ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
  if (engine === 'native') {
    const ort = (await import('onnxruntime-node')) as unknown as OrtModule;
    return { ort, options: { ...options, intraOpNumThreads: threads, interOpNumThreads: 1 } };
  }
  if (engine === 'web') {
    const ort = (await import('onnxruntime-web')) as unknown as OrtModule;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.simd = true;
    return { ort, options: { ...options, executionProviders: ['wasm'] } };
  }
  throw new Error(`unknown engine '${engine}' (native or web)`);
}

/** Deterministic inputs of the exported shapes; the check compares against torch's image for them. */
function readInputs(ort: OrtModule, g: OnnxGraph): Record<string, Ort.Tensor> {
  const feeds: Record<string, Ort.Tensor> = {};
  for (const [name, file] of Object.entries(g.inputFiles)) {
    const shape = g.meta.inputs[name];
    feeds[name] = new ort.Tensor('float32', readF32(file), shape);
  }
  return feeds;
}

async function main(): Promise<void> {
  const m = benchModel(arg('model', 'deep128'));
  const engine = arg('engine', 'native');
  const threads = Number(arg('threads', '2'));
  const { ort, options } = await loadEngine(engine, threads);
  const checks: Record<number, number> = {};
  let current: { batch: number; session: Ort.InferenceSession; feeds: Record<string, Ort.Tensor> } | null = null;
  const sessionFor = async (batch: number) => {
    if (current?.batch === batch) return current;
    await current?.session.release();
    current = null;
    const g = await ensureOnnx(m, batch);
    const session = await ort.InferenceSession.create(g.onnx, options);
    // onnxruntime-web's pool threads load their wasm module asynchronously; until they have, runs
    // use the calling thread alone (measured: 1050 ms at batch 1, then 540 ms on two threads).
    if (engine === 'web') await new Promise((r) => setTimeout(r, 2000));
    const feeds = readInputs(ort, g);
    const out = (await session.run(feeds))[session.outputNames[0]];
    const diff = maxAbsDiff(out.data as Float32Array, readF32(g.torchImage));
    // The export is checked once per graph: an engine that computes something else is not a peer.
    if (!(diff < 1e-3)) throw new Error(`${engine}: image differs from torch's by ${diff} at batch ${batch}`);
    checks[batch] = diff;
    current = { batch, session, feeds };
    return current;
  };
  reply({ ready: true, engine, threads, model: m.id, version: ort.env.versions });

  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as { cmd: string; batch?: number };
    try {
      if (req.cmd === 'run') {
        const s = await sessionFor(req.batch ?? 1);
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        await s.session.run(s.feeds);
        const ms = performance.now() - w0;
        const c = process.cpuUsage(c0);
        reply({ ms, cpuMs: (c.user + c.system) / 1000 });
      } else if (req.cmd === 'stats') {
        reply({ peakRssMb: process.resourceUsage().maxRSS / 1024, threads, maxAbsDiffVsTorch: checks });
      } else if (req.cmd === 'quit') {
        break;
      } else {
        reply({ error: `the ONNX Runtime runner answers run and stats, not ${req.cmd}` });
      }
    } catch (e) {
      reply({ error: String((e as Error)?.stack ?? e) });
    }
  }
  process.exit(0);
}

await main();
