/**
 * One XNNPACK thread per logical core for the WASM backend in the page.
 *
 * tfjs-backend-wasm's C++ sizes its pool as at most `emscripten_num_logical_cores() / 2` (it
 * assumes two hyperthreads per core), read once by a static initialiser when the module is
 * instantiated; in a browser that count is `navigator.hardwareConcurrency`. So a 2-core machine
 * got 1 thread whatever setThreadsCount said. While the backend starts, this worker's navigator
 * reports twice the cores; the pool then gets what setThreadsCount asks for (the C++ allows 8).
 * Threads also need cross-origin isolation (SharedArrayBuffer); without it the backend runs the
 * single-threaded SIMD build and reports 1. The Node side of the same trap is src/cli/wasm_threads.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** The backend's own limit: it pre-creates 8 pthread workers. */
const MAX_THREADS = 8;

/** `tf.setBackend('wasm')` with a pool of one thread per logical core. */
export async function setWasmBackend(): Promise<boolean> {
  const threads = Math.min(Math.max(1, navigator.hardwareConcurrency || 1), MAX_THREADS);
  setThreadsCount(threads);
  Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => 2 * threads });
  try {
    return await tf.setBackend('wasm');
  } finally {
    // The own property shadowed WorkerNavigator's getter; removing it brings the real count back.
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/** Threads the running WASM backend computes with (1 without cross-origin isolation). */
export function wasmThreads(): number {
  return getThreadsCount();
}
