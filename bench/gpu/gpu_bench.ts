/**
 * Our side of the GPU benchmark (bench/gpu/run.sh): generators with random weights of the released
 * shapes (bench/random_model.ts, from the key lists in --keys), on tfjs-backend-webgpu through Dawn,
 * ms per image at each batch size, median after a warm-up that also compiles every pipeline.
 * Prints one JSON line per (model, batch): {"side":"ours","model":..,"batch":..,"msPerImage":..}.
 *
 *   node gpu_bench.mjs --keys DIR --models deep128,deep256 --batches 1,8 [--runs 5] [--warmup 1]
 *   node gpu_bench.mjs --report results.jsonl     the table of ours against PyTorch CUDA
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { startWebGpuBackend } from '../../src/cli/webgpu_node';
import { zDimOf } from '../../src/core/config/architecture';
import { artifactsFromSerialized } from '../../src/core/model/in_memory_artifacts';
import { loadGenerator } from '../../src/core/model/load_generator';
import { serializeModel } from '../../src/core/model/model_format';
import { compilePipelines } from '../../src/worker/compile_pipelines';
import { randomModelFromShapes, readKeyShapesFile } from '../random_model';
import GPU_BENCH_MODELS from './models.json';

interface Result {
  side: string;
  model: string;
  batch: number;
  msPerImage: number | null;
  error?: string;
}

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '.' },
    models: { type: 'string', default: 'deep128,deep256,deep512,tfhub128' },
    batches: { type: 'string', default: '1,8' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    report: { type: 'string' },
  },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function benchModel(id: string, batches: number[], runs: number, warmup: number): Promise<Result[]> {
  const file = (GPU_BENCH_MODELS as Record<string, string>)[id];
  if (!file) throw new Error(`unknown model '${id}'; one of ${Object.keys(GPU_BENCH_MODELS).join(', ')}`);
  const { architecture, weights } = randomModelFromShapes(readKeyShapesFile(join(values.keys!, file)));
  const loaded = await loadGenerator(artifactsFromSerialized(await serializeModel(architecture, weights, {})));
  const a = loaded.generator.architecture;
  const results: Result[] = [];
  try {
    for (const batch of batches) {
      const z = tf.tidy(() => tf.mul(tf.randomUniform([batch, zDimOf(a)], -1, 1, 'float32', 7), 0.8)) as tf.Tensor2D;
      const classes = Array.from({ length: batch }, (_, i) => (i * 97 + 1) % a.numClasses);
      const classVector = tf.tidy(() =>
        tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), a.numClasses), 'float32'),
      ) as tf.Tensor2D;
      const run = async () => {
        const t0 = performance.now();
        const out = loaded.generator.generate({ z, classVector, truncation: 0.5 });
        await out.data();
        out.dispose();
        return performance.now() - t0;
      };
      try {
        await compilePipelines(loaded, [batch]);
        for (let i = 0; i < warmup; i++) await run();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await run());
        results.push({ side: 'ours', model: id, batch, msPerImage: median(times) / batch });
      } catch (e) {
        results.push({ side: 'ours', model: id, batch, msPerImage: null, error: (e as Error).message });
      } finally {
        tf.dispose([z, classVector]);
      }
      console.log(JSON.stringify(results[results.length - 1]));
    }
  } finally {
    loaded.generator.dispose();
  }
  return results;
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
  console.log('model        batch  ours (WebGPU, Dawn)  PyTorch eager fp32       ours / PyTorch');
  for (const cell of cells) {
    const [model, b] = cell.split('\t');
    const batch = Number(b);
    const ours = find('ours', model, batch);
    const torch = find('torch', model, batch);
    const ratio = ours?.msPerImage && torch?.msPerImage ? `${(ours.msPerImage / torch.msPerImage).toFixed(2)}x` : '-';
    console.log(
      `${model.padEnd(12)} ${String(batch).padStart(5)}  ${ms(ours).padEnd(19)}  ${ms(torch).padEnd(23)}  ${ratio}`,
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
