/**
 * Multi-threaded tfjs-backend-wasm in Node.
 *
 * tfjs-backend-wasm 4.x turns threads off in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there,
 * tensorflow/tfjs#3830). Its threaded-SIMD build does support Node (Emscripten pthreads on
 * worker_threads), but the backend hands Emscripten its two scripts as Blobs: the pthread worker
 * script through `URL.createObjectURL(new Blob([...]))`, and the main script (the module factory's
 * source) as `mainScriptUrlOrBlob`. Node's worker_threads refuse `blob:` URLs (ERR_WORKER_PATH),
 * so the pool never starts.
 *
 * This shim, installed before `tf.setBackend('wasm')`, writes those two scripts to a temporary
 * directory and hands out file paths instead:
 *   - `Blob` is wrapped so that a Blob made of strings remembers its text synchronously;
 *   - `URL.createObjectURL` of the worker script returns a real file, prefixed with a preamble
 *     that gives the factory source what it needs outside its original bundle (the bundle's
 *     `require$$N` aliases and `_scriptDir`) and maps the main-script Blob to its file;
 *   - the flag WASM_HAS_MULTITHREAD_SUPPORT is forced on and XNNPACK gets `threads` threads.
 * One more trap, browsers included: the backend's C++ caps its pool at
 * `emscripten_num_logical_cores() / 2` (it assumes two hyperthreads per core), so on a machine
 * with 2 logical CPUs it runs 1 thread whatever it is told. In Node that count is
 * `os.cpus().length`, which `startWasmBackend` inflates while the module initialises. Finally the
 * pool's worker_threads are unref'd, or a CLI returning from main would never exit, and only the
 * pool entries that get a thread start one (lazy_pthread_worker.ts).
 * Nothing in node_modules is edited. Everything else is the stock threaded-SIMD build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { installFastWasmSlice } from '../core/nets/wasm_slice';
import { LazyPthreadWorker, withLazyPthreadWorkers } from './lazy_pthread_worker';

const TEXT = Symbol('blobText');
const MAIN_SCRIPT_PREFIX = 'var WasmBackendModuleThreadedSimd';

let installedDir: string | null = null;

/** Where the main (factory) script is written when the backend makes its Blob. */
function mainScriptPath(dir: string): string {
  return join(dir, 'tfjs-backend-wasm-threaded-simd.cjs');
}

function workerPreamble(mainPath: string): string {
  // The factory's source refers to the node bundle's require aliases (fs, path, perf_hooks, os)
  // and to the bundle-level `_scriptDir`; the worker evaluates it with a global eval.
  const p = JSON.stringify(mainPath);
  return [
    `globalThis.require$$0 = require('fs');`,
    `globalThis.require$$1 = require('path');`,
    `globalThis.require$$3 = require('perf_hooks');`,
    `globalThis.require$$4 = require('os');`,
    `globalThis._scriptDir = ${p};`,
    `globalThis.commonjsGlobal = globalThis;`,
    `globalThis.__dirname = require('path').dirname(${p});`,
    `globalThis.__filename = ${p};`,
    // The main thread posts the factory source as a Blob; its file has the same text.
    `URL.createObjectURL = function () { return ${p}; };`,
    `URL.revokeObjectURL = function () {};`,
    '',
  ].join('\n');
}

/**
 * Starts the wasm backend with `threads` XNNPACK threads (1: the stock single-threaded SIMD
 * build). Returns the thread count the backend reports.
 */
export async function startWasmBackend(threads: number): Promise<number> {
  if (threads > 1) enableWasmThreads(threads);
  installFastWasmSlice();
  const realCpus = os.cpus;
  // Read once, by a static initialiser in the module, as the cap on the pool size (see above).
  if (threads > 1) os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => realCpus()[i % realCpus().length]);
  try {
    await withLazyPthreadWorkers(async () => {
      if (!(await tf.setBackend('wasm'))) throw new Error('The wasm backend failed to start.');
      await tf.ready();
    });
  } finally {
    os.cpus = realCpus;
  }
  // XNNPACK's pool threads live as long as the backend and are ref'd worker_threads, so a CLI that
  // finishes by returning from main (not process.exit) would never exit. They only ever run while
  // the main thread waits in a kernel, so letting them not hold the event loop open is safe.
  if (threads > 1) LazyPthreadWorker.releaseAll();
  return getThreadsCount();
}

/**
 * Makes the next `tf.setBackend('wasm')` start the threaded-SIMD build with `threads` threads.
 * Call once, before the wasm backend is first initialised. Returns the thread count asked for.
 */
export function enableWasmThreads(threads: number): number {
  if (installedDir) return threads;
  const dir = mkdtempSync(join(tmpdir(), 'biggan-wasm-threads-'));
  installedDir = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

  const NativeBlob = globalThis.Blob;
  class TextBlob extends NativeBlob {
    [TEXT]?: string;
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts && parts.every((p) => typeof p === 'string')) {
        const text = (parts as string[]).join('');
        this[TEXT] = text;
        if (text.startsWith(MAIN_SCRIPT_PREFIX)) writeFileSync(mainScriptPath(dir), text);
      }
    }
  }
  globalThis.Blob = TextBlob as typeof Blob;

  const nativeCreate = URL.createObjectURL.bind(URL);
  let count = 0;
  URL.createObjectURL = (obj: Blob | MediaSource): string => {
    const text = (obj as TextBlob)[TEXT];
    if (text === undefined) return nativeCreate(obj as Blob);
    const file = join(dir, `script-${count++}.cjs`);
    const isPthreadWorker = text.includes('worker_threads') && text.includes('startWorker');
    writeFileSync(file, isPthreadWorker ? workerPreamble(mainScriptPath(dir)) + text : text);
    return file;
  };

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  return threads;
}
