/**
 * First-sample time on WebGPU (Dawn in Node) with and without the compile-only warm-up the worker
 * runs when a model loads (src/worker/compile_pipelines.ts), against the steady state. Each side
 * starts on a fresh device, so it compiles every pipeline from nothing.
 *
 *   npx tsx bench/gpu/first_sample.ts [--model path/to/model.json] [--batch 1] [--runs 5]
 *
 * Without a GPU, run it on SwiftShader:
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp npx tsx bench/gpu/first_sample.ts
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_MODEL_PATH } from '../../src/cli/default_model';
import { loadModelFromPath } from '../../src/cli/model_files';
import { startWebGpuBackend } from '../../src/cli/webgpu_node';
import { zDimOf } from '../../src/core/config/architecture';
import type { Generator } from '../../src/core/nets/generator';
import { compilePipelines } from '../../src/worker/compile_pipelines';
import { median } from '../median';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_PATH },
    batch: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
  },
});
const batch = Number(values.batch);
const runs = Number(values.runs);

/** One draw as the worker makes it: generate, then read the pixels back. */
async function draw(generator: Generator): Promise<number> {
  const a = generator.architecture;
  const t0 = performance.now();
  const z = tf.randomNormal([batch, zDimOf(a)], 0, 0.5, 'float32', 1) as tf.Tensor2D;
  const classVector = tf.cast(tf.oneHot(tf.fill([batch], 1, 'int32'), a.numClasses), 'float32') as tf.Tensor2D;
  const out = generator.generate({ z, classVector, truncation: 0.4 });
  await out.data();
  tf.dispose([z, classVector, out]);
  return performance.now() - t0;
}

async function side(
  warmUp: boolean,
): Promise<{ compileMs: number; programs: number; firstMs: number; steadyMs: number }> {
  const adapter = await startWebGpuBackend();
  const model = await loadModelFromPath(values.model!);
  let compileMs = 0;
  let programs = 0;
  if (warmUp) {
    const t0 = performance.now();
    programs = await compilePipelines(model, [batch]);
    compileMs = performance.now() - t0;
  }
  const firstMs = await draw(model.generator);
  const steady: number[] = [];
  for (let i = 0; i < runs; i++) steady.push(await draw(model.generator));
  model.generator.dispose();
  console.log(`  (${adapter})`);
  return { compileMs, programs, firstMs, steadyMs: median(steady) };
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(`model ${values.model}, batch ${batch}, WebGPU through Dawn`);
const cold = await side(false);
console.log(
  `without warm-up: first sample ${fmt(cold.firstMs)}, steady state ${fmt(cold.steadyMs)} (median of ${runs})`,
);
const warm = await side(true);
console.log(
  `with warm-up:    compile ${fmt(warm.compileMs)} (${warm.programs} programs), then first sample ${fmt(warm.firstMs)}, ` +
    `steady state ${fmt(warm.steadyMs)}`,
);
console.log(
  `first sample / steady state: ${(cold.firstMs / cold.steadyMs).toFixed(1)}x without warm-up, ` +
    `${(warm.firstMs / warm.steadyMs).toFixed(1)}x after it`,
);
