/**
 * tfjs-backend-wasm's Emscripten build starts a pool of 8 pthread workers when the module
 * initialises, whatever the thread count, and waits until each has loaded the wasm module: 0.6 s
 * of every threaded `biggan sample` on a 2-core machine, for 1 or 2 threads that XNNPACK uses.
 * While the backend starts, `worker_threads.Worker` is this class instead: it answers Emscripten's
 * "load" at once and starts a real worker thread only when Emscripten hands it a thread to run
 * ("run"), replaying the load first. Unused pool entries never cost a thread.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Transferable, Worker as NodeWorker, WorkerOptions } from 'node:worker_threads';

// The builtin's exports object itself, the one Emscripten's `require("worker_threads")` returns.
const workerThreads = createRequire(import.meta.url)('worker_threads') as typeof import('node:worker_threads');
const RealWorker = workerThreads.Worker;

interface PthreadMessage {
  cmd?: string;
}

export class LazyPthreadWorker extends EventEmitter {
  private real: NodeWorker | null = null;
  private loadMessage: PthreadMessage | null = null;
  private referenced = true;
  private static readonly all = new Set<LazyPthreadWorker>();
  /** Set by releaseAll: threads started later must not keep a finished CLI alive either. */
  private static released = false;

  /** Lets no pool thread, started or to come, hold the process open. */
  static releaseAll(): void {
    LazyPthreadWorker.released = true;
    for (const w of LazyPthreadWorker.all) w.unref();
  }

  constructor(
    private readonly script: string | URL,
    private readonly options?: WorkerOptions,
  ) {
    super();
    LazyPthreadWorker.all.add(this);
  }

  postMessage(message: PthreadMessage, transfer?: readonly Transferable[]): void {
    if (this.real) return this.real.postMessage(message, transfer);
    if (message.cmd === 'load') {
      this.loadMessage = message;
      setImmediate(() => this.emit('message', { cmd: 'loaded' }));
      return;
    }
    this.start().postMessage(message, transfer);
  }

  private start(): NodeWorker {
    const real = new RealWorker(this.script, this.options);
    let loadAnswered = false;
    real.on('message', (data: PthreadMessage) => {
      // Emscripten had its "loaded" from us already; a second one would count the worker twice.
      if (!loadAnswered && data?.cmd === 'loaded') {
        loadAnswered = true;
        return;
      }
      this.emit('message', data);
    });
    for (const event of ['error', 'exit', 'online', 'messageerror']) real.on(event, (x) => this.emit(event, x));
    if (this.loadMessage) real.postMessage(this.loadMessage);
    if (!this.referenced || LazyPthreadWorker.released) real.unref();
    this.real = real;
    return real;
  }

  ref(): void {
    this.referenced = true;
    if (!LazyPthreadWorker.released) this.real?.ref();
  }

  unref(): void {
    this.referenced = false;
    this.real?.unref();
  }

  async terminate(): Promise<number> {
    LazyPthreadWorker.all.delete(this);
    return this.real ? this.real.terminate() : 0;
  }

  /** Whether a thread was ever started for this pool entry. */
  get started(): boolean {
    return this.real !== null;
  }
}

/** Runs `start` with `worker_threads.Worker` replaced by LazyPthreadWorker. */
export async function withLazyPthreadWorkers<T>(start: () => Promise<T>): Promise<T> {
  const saved = workerThreads.Worker;
  (workerThreads as { Worker: unknown }).Worker = LazyPthreadWorker;
  try {
    return await start();
  } finally {
    (workerThreads as { Worker: unknown }).Worker = saved;
  }
}
