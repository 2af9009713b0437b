/**
 * Our side of the GPU benchmark (bench/gpu/run.sh): each model's checkpoint as torch_cuda.py
 * --prepare saved it (the weights PyTorch times too), read and converted as `biggan sample` reads a
 * checkpoint, on tfjs-backend-webgpu through Dawn; its image checked against the one torch computed
 * on the CPU for the same inputs; then ms per image at each batch size, median after a warm-up that
 * also compiles every pipeline. One JSON line per (model, batch):
 * {"side":"ours","model":..,"batch":..,"msPerImage":..,"maxAbsDiffVsTorch":..}.
 *
 *   node gpu_bench.mjs --weights DIR --models deep128,deep256 --batches 1,8 [--runs 5] [--warmup 1]
 *   node gpu_bench.mjs --report results.jsonl     the table of ours against PyTorch CUDA
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadModelFromPath } from '../../src/cli/model_files';
import { startWebGpuBackend } from '../../src/cli/webgpu_node';
import type { LoadedModel } from '../../src/core/model/load_generator';
import { compilePipelines } from '../../src/worker/compile_pipelines';
import { benchInputs, maxDiffVsTorch, readTorchCase } from '../models';
import { median } from '../median';

interface Result {
  side: string;
  model: string;
  batch: number;
  msPerImage: number | null;
  maxAbsDiffVsTorch?: number;
  error?: string;
}

const { values } = parseArgs({
  options: {
    weights: { type: 'string', default: 'weights' },
    models: { type: 'string', default: 'deep128,deep256,deep512,tfhub128' },
    batches: { type: 'string', default: '1,8' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    report: { type: 'string' },
  },
});

/** A row per batch size; a model that fails to load fails its rows and the run goes on. */
async function benchModel(id: string, batches: number[], runs: number, warmup: number): Promise<void> {
  const print = (r: Result) => console.log(JSON.stringify(r));
  const checkpoint = join(values.weights!, `${id}.pt`);
  let loaded: LoadedModel;
  let maxAbsDiffVsTorch: number;
  try {
    if (!existsSync(`${checkpoint}.json`)) {
      throw new Error(`no ${checkpoint} with its case: write it with torch_cuda.py --prepare --models ${id}`);
    }
    loaded = await loadModelFromPath(checkpoint);
    maxAbsDiffVsTorch = await maxDiffVsTorch(loaded, readTorchCase(checkpoint));
  } catch (e) {
    for (const batch of batches)
      print({ side: 'ours', model: id, batch, msPerImage: null, error: (e as Error).message });
    return;
  }
  try {
    for (const batch of batches) {
      const inputs = benchInputs(loaded, batch);
      const run = async () => {
        const t0 = performance.now();
        const out = loaded.generator.generate(inputs);
        await out.data();
        out.dispose();
        return performance.now() - t0;
      };
      try {
        await compilePipelines(loaded, [batch]);
        for (let i = 0; i < warmup; i++) await run();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await run());
        print({ side: 'ours', model: id, batch, msPerImage: median(times) / batch, maxAbsDiffVsTorch });
      } catch (e) {
        print({ side: 'ours', model: id, batch, msPerImage: null, error: (e as Error).message });
      } finally {
        tf.dispose([inputs.z, inputs.classVector]);
      }
    }
  } finally {
    loaded.generator.dispose();
  }
}

function report(path: string): void {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Result & { adapter?: string; device?: string });
  for (const l of lines) if (l.adapter || l.device) console.log(`${l.side}: ${l.adapter ?? l.device}`);
  const rows = lines.filter((r) => r.model);
  const find = (side: string, model: string, batch: number) =>
    rows.find((r) => r.side === side && r.model === model && r.batch === batch);
  const cells = [...new Set(rows.map((r) => `${r.model}\t${r.batch}`))];
  const ms = (r?: Result) =>
    r?.msPerImage == null ? (r?.error ? `failed: ${r.error.slice(0, 60)}` : 'n/a') : `${r.msPerImage.toFixed(1)} ms`;
  console.log(
    'model        batch  ours (WebGPU, Dawn)  PyTorch eager fp32       ours / PyTorch  max |image - torch CPU| ours, torch',
  );
  for (const cell of cells) {
    const [model, b] = cell.split('\t');
    const batch = Number(b);
    const ours = find('ours', model, batch);
    const torch = find('torch', model, batch);
    const ratio = ours?.msPerImage && torch?.msPerImage ? `${(ours.msPerImage / torch.msPerImage).toFixed(2)}x` : '-';
    const check = [ours, torch].map((r) => r?.maxAbsDiffVsTorch?.toExponential(1) ?? '-').join(', ');
    console.log(
      `${model.padEnd(12)} ${String(batch).padStart(5)}  ${ms(ours).padEnd(19)}  ${ms(torch).padEnd(23)}  ${ratio.padEnd(14)}  ${check}`,
    );
  }
}

if (values.report) {
  report(values.report);
} else {
  const adapter = await startWebGpuBackend();
  console.log(JSON.stringify({ side: 'ours', adapter }));
  const batches = values.batches!.split(',').map(Number);
  for (const id of values.models!.split(',')) await benchModel(id, batches, Number(values.runs), Number(values.warmup));
}
