/**
 * TensorFlow.js backends for Node: WASM (fast, default), the plain JS cpu backend (reference), and
 * WebGPU through Dawn (src/cli/webgpu_node.ts; needs the optional `webgpu` package and a GPU driver).
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { SettingsError } from '../core/errors';
import { startWasmBackend } from './wasm_threads';

export type NodeBackend = 'wasm' | 'cpu' | 'webgpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'cpu', 'webgpu'];

/**
 * Threads for the wasm backend: BIGGAN_WASM_THREADS if set, else every core up to 4 (XNNPACK's
 * convolutions scale to about 2x on 2 cores; 1 gives the stock single-threaded SIMD build).
 */
export function defaultWasmThreads(): number {
  const env = Number.parseInt(process.env.BIGGAN_WASM_THREADS ?? '', 10);
  if (Number.isFinite(env) && env >= 1) return Math.min(env, 8);
  return Math.max(1, Math.min(availableParallelism(), 4));
}

export async function useBackend(name: string, threads = defaultWasmThreads()): Promise<NodeBackend> {
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new SettingsError(`Unknown backend '${name}'; in Node use one of: ${NODE_BACKENDS.join(', ')}.`);
  }
  // The banner suggesting tfjs-node is noise here: tfjs-node cannot be installed on this stack.
  tf.env().set('IS_NODE', tf.env().getBool('IS_NODE'));
  if (name === 'wasm') {
    try {
      await startWasmBackend(threads);
    } catch (e) {
      if (threads <= 1) throw new SettingsError(`The wasm backend failed to start: ${(e as Error).message}`);
      // The threaded build is started through a shim (wasm_threads.ts); fall back to one thread.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      await startWasmBackend(1);
    }
    return 'wasm';
  }
  if (name === 'webgpu') {
    // Loaded only when asked for: it pulls in tfjs-backend-webgpu and Dawn.
    await (await import('./webgpu_node')).startWebGpuBackend();
    return 'webgpu';
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new SettingsError(`The ${name} backend failed to start.`);
  await tf.ready();
  return name as NodeBackend;
}
