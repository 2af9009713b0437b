/**
 * Run as its own process by tests/wasm_threads.test.ts: starts the threaded wasm backend the way
 * the CLI does, runs a convolution on it and on the cpu backend, prints one JSON line, and then
 * returns without process.exit, so a pool that keeps the process alive shows as a hang.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { startWasmBackend } from '../../src/cli/wasm_threads';

interface PoolEntry {
  started?: boolean;
}

const threads = Number(process.argv[2] ?? '2');
const t0 = performance.now();
await startWasmBackend(threads);
const startMs = performance.now() - t0;
const pool = (
  tf.backend() as unknown as { wasm: { PThread: { runningWorkers: PoolEntry[]; unusedWorkers: PoolEntry[] } } }
).wasm.PThread;
const entries = [...pool.runningWorkers, ...pool.unusedWorkers];
const x = tf.randomUniform([2, 32, 32, 16], -1, 1, 'float32', 1) as tf.Tensor4D;
const k = tf.randomUniform([3, 3, 16, 32], -1, 1, 'float32', 2) as tf.Tensor4D;
const onWasm = await tf.conv2d(x, k, 1, 'same').data();
const xs = await x.data();
const ks = await k.data();
await tf.setBackend('cpu');
const onCpu = await tf.conv2d(tf.tensor4d(xs, x.shape), tf.tensor4d(ks, k.shape), 1, 'same').data();
let maxDiff = 0;
for (let i = 0; i < onCpu.length; i++) maxDiff = Math.max(maxDiff, Math.abs(onCpu[i] - onWasm[i]));
console.log(
  JSON.stringify({
    threads: getThreadsCount(),
    poolEntries: entries.length,
    threadsStarted: entries.filter((w) => w.started).length,
    startMs,
    maxDiff,
  }),
);
