/**
 * Data-parallel sampling in Node: a pool of worker threads, each with its own single-threaded
 * wasm backend and its own copy of the generator, sharing a batch image by image. Images are
 * handed out from a queue, so a worker on a busier core simply takes fewer of them (a fixed
 * split would wait for the slowest half). Helps batches; a batch of one runs on one worker.
 * Costs one copy of the weights per worker (~0.4 GB each for BigGAN-deep with XNNPACK's packed
 * copy). The alternative for every batch size is the threaded wasm build (wasm_threads.ts).
 */
import { Worker } from 'node:worker_threads';
import type { RawInputs } from '../src/core/sampling/sample';

interface Job {
  first: number;
  count: number;
}

interface Reply {
  id: number;
  ready?: boolean;
  images?: Float32Array;
  error?: string;
}

export class WasmPool {
  private readonly workers: Worker[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void }>();

  private constructor() {}

  /** Starts `size` workers, each loading the converted model at `modelPath` on one wasm thread. */
  static async start(modelPath: string, size: number): Promise<WasmPool> {
    const pool = new WasmPool();
    const url = new URL('./wasm_pool_worker.mjs', import.meta.url);
    for (let i = 0; i < size; i++) {
      const w = new Worker(url, { workerData: { modelPath } });
      w.on('message', (r: Reply) => {
        const p = pool.pending.get(r.id);
        if (p) {
          pool.pending.delete(r.id);
          p.resolve(r);
        }
      });
      w.on('error', (e) => {
        for (const p of pool.pending.values()) p.resolve({ id: 0, error: String(e) });
        pool.pending.clear();
      });
      pool.workers.push(w);
    }
    await Promise.all(pool.workers.map((w) => pool.call(w, { cmd: 'ready' })));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private call(w: Worker, msg: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => (r.error ? reject(new Error(r.error)) : resolve(r)),
      });
      w.postMessage({ ...msg, id });
    });
  }

  /**
   * [N, R, R, 3] images for the inputs, as one Float32Array (NHWC), computed image by image
   * (chunks of `chunk` images) on whichever worker is free.
   */
  async generate(inputs: RawInputs, chunk = 1): Promise<Float32Array> {
    const n = inputs.batch;
    const jobs: Job[] = [];
    for (let first = 0; first < n; first += chunk) jobs.push({ first, count: Math.min(chunk, n - first) });
    const zDim = inputs.z.length / n;
    const classes = inputs.classVector.length / n;
    let out: Float32Array | null = null;
    let perImage = 0;
    const runWorker = async (w: Worker) => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const { first, count } = job;
        const rows = (a: Float32Array, width: number) => a.slice(first * width, (first + count) * width);
        const r = await this.call(w, {
          cmd: 'generate',
          inputs: {
            z: rows(inputs.z, zDim),
            classVector: rows(inputs.classVector, classes),
            batch: count,
            truncation: inputs.truncation,
            slotZ: inputs.slotZ?.map((v) => (v ? rows(v, v.length / n) : undefined)),
          } satisfies RawInputs,
        });
        const images = r.images!;
        if (!out) {
          perImage = images.length / count;
          out = new Float32Array(perImage * n);
        }
        out.set(images, first * perImage);
      }
    };
    await Promise.all(this.workers.map(runWorker));
    return out!;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
