/**
 * The page's proxy for the generator worker: typed requests with ids, progress callbacks,
 * cancellation, errors rebuilt into their classes, and unsolicited events.
 */
import { rebuildError, WorkerCrashError } from './errors';
import type { ProgressOf, RequestBody, RequestType, Response, ResultOf, WorkerEvent } from './protocol';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: never) => void;
}

export interface Call<T extends RequestType> {
  id: number;
  promise: Promise<ResultOf<T>>;
}

export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: WorkerEvent) => void>();
  private crashed: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<Response>) => this.receive(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.crashed = new WorkerCrashError(`The generator worker crashed: ${e.message || 'it failed to start'}. Reload the page.`);
      this.failAll(this.crashed);
    };
  }

  request<T extends RequestType>(
    body: RequestBody<T> & { type: T },
    onProgress?: (p: ProgressOf<T>) => void,
    transfer: Transferable[] = [],
  ): Call<T> {
    const id = this.nextId++;
    if (this.crashed) return { id, promise: Promise.reject(this.crashed) };
    const promise = new Promise<ResultOf<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: onProgress as Pending['onProgress'] });
    });
    this.worker.postMessage({ ...body, id }, transfer);
    return { id, promise };
  }

  cancel(target: number): void {
    this.request({ type: 'cancel', target }).promise.catch(() => undefined);
  }

  onEvent(listener: (e: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  terminate(): void {
    this.worker.terminate();
    this.failAll(new WorkerCrashError('The worker was stopped.'));
  }

  private receive(msg: Response): void {
    if (msg.type === 'event') {
      for (const l of this.listeners) l(msg.event);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.type) {
      case 'progress':
        p.onProgress?.(msg.progress as never);
        break;
      case 'result':
        this.pending.delete(msg.id);
        p.resolve(msg.result);
        break;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(rebuildError(msg.error));
        break;
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

export function startWorker(): WorkerClient {
  const worker = new Worker(new URL('./generator.worker.ts', import.meta.url), { type: 'module', name: 'biggan-generator' });
  return new WorkerClient(worker);
}
