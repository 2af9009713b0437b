/**
 * Compiles every GPU program a generator needs before its first draw, so the first sample does not
 * stall on shader compilation (seconds per model on a real GPU, minutes on SwiftShader).
 *
 * tfjs has a compile-only mode on both GPU backends: with WEBGPU_ENGINE_COMPILE_ONLY (webgpu) or
 * ENGINE_COMPILE_ONLY (webgl) set, running ops creates each program's pipeline (webgpu: with
 * createComputePipelineAsync, in parallel) and allocates outputs, but dispatches nothing. One
 * forward pass per batch size the worker will draw with therefore queues every pipeline;
 * checkCompileCompletionAsync then waits for them (webgl also needs its uniform locations read
 * afterwards). Pipelines are cached by shader key, which includes shapes, so each batch size counts.
 * Whatever the pass cached holds no values (nothing ran): the weights' derived tensors (phase
 * kernels, joined matrices) are dropped after it and rebuilt by the first draw, whose programs are
 * compiled by then. (Truncation statistics are made on the CPU and are valid.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { zDimOf } from '../core/config/architecture';
import type { LoadedModel } from '../core/model/load_generator';

/** The parts of tfjs's WebGPU and WebGL backends this uses (public methods, plus their caches to count). */
interface CompilingBackend {
  checkCompileCompletionAsync(): Promise<unknown>;
  /** webgl: reads uniform locations of programs compiled in compile-only mode. */
  getUniformLocations?: () => void;
  /** webgpu: shader key -> pipeline, or its promise while compiling. */
  pipelineCache?: Record<string, unknown>;
  /** webgl: shader key -> compiled program. */
  binaryCache?: Record<string, unknown>;
}

const COMPILE_ONLY_FLAG: Record<string, string> = {
  webgpu: 'WEBGPU_ENGINE_COMPILE_ONLY',
  webgl: 'ENGINE_COMPILE_ONLY',
};

/** Whether the active backend compiles programs (webgpu, webgl), so that warming up pays. */
export function compilesPrograms(): boolean {
  return tf.getBackend() in COMPILE_ONLY_FLAG;
}

/**
 * Queues and waits for every program model.generator.generate() uses at each of `batchSizes`.
 * onProgress(done, total) counts programs ready. Returns how many the backend holds; 0 (and
 * nothing done) on backends that do not compile programs.
 */
export async function compilePipelines(
  model: LoadedModel,
  batchSizes: number[],
  onProgress: (done: number, total: number) => void = () => {},
): Promise<number> {
  const backendName = tf.getBackend();
  const flag = COMPILE_ONLY_FLAG[backendName];
  if (!flag) return 0;
  const backend = tf.backend() as unknown as CompilingBackend;
  const { generator, weights } = model;
  const a = generator.architecture;
  tf.env().set(flag, true);
  try {
    for (const n of [...new Set(batchSizes)]) {
      tf.tidy(() => {
        const z = tf.zeros([n, zDimOf(a)]) as tf.Tensor2D;
        const classVector = tf.cast(tf.oneHot(tf.zeros([n], 'int32'), a.numClasses), 'float32') as tf.Tensor2D;
        generator.generate({ z, classVector, truncation: 0.5 });
      });
    }
  } finally {
    tf.env().set(flag, false);
    weights.dropDerived();
  }
  const pending = Object.values(backend.pipelineCache ?? backend.binaryCache ?? {});
  const total = pending.length;
  let done = 0;
  onProgress(done, total);
  if (backendName === 'webgpu') {
    await Promise.all(pending.map((p) => Promise.resolve(p).then(() => onProgress(++done, total))));
  }
  await backend.checkCompileCompletionAsync();
  backend.getUniformLocations?.();
  onProgress(total, total);
  return total;
}
