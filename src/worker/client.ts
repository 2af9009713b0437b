/**
 * The page's proxy for the generator worker: typed requests with ids, progress callbacks,
 * cancellation, errors rebuilt into their classes, and unsolicited events.
 */
import { rebuildError, WorkerCrashError } from './errors';
import type { ProgressOf, ReplyOf, RequestBody, RequestType, Response, ResultOf, WorkerEvent } from './protocol';

interface Pending<K extends RequestType> {
  resolve: (result: ResultOf<K>) => void;
  reject: (e: Error) => void;
  onProgress?: (p: ProgressOf<K>) => void;
}

/** Open requests, one table per request type, so that a reply meets a callback of its own type. */
type PendingTables = { [K in RequestType]?: Map<number, Pending<K>> };

export interface Call<T extends RequestType> {
  id: number;
  promise: Promise<ResultOf<T>>;
}

export class WorkerClient {
  private nextId = 1;
  private readonly pending: PendingTables = {};
  private readonly listeners = new Set<(e: WorkerEvent) => void>();
  private crashed: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<Response>) => this.receive(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.crashed = new WorkerCrashError(
        `The generator worker crashed: ${e.message || 'it failed to start'}. Reload the page.`,
      );
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
      this.table(body.type).set(id, { resolve, reject, onProgress });
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
    this.settle(msg);
  }

  private settle<K extends RequestType>(reply: ReplyOf<K>): void {
    const table = this.table(reply.request);
    const p = table.get(reply.id);
    if (!p) return;
    switch (reply.type) {
      case 'progress':
        p.onProgress?.(reply.progress);
        break;
      case 'result':
        table.delete(reply.id);
        p.resolve(reply.result);
        break;
      case 'error':
        table.delete(reply.id);
        p.reject(rebuildError(reply.error));
        break;
    }
  }

  private table<K extends RequestType>(type: K): Map<number, Pending<K>> {
    return (this.pending[type] ??= new Map());
  }

  private failAll(e: Error): void {
    for (const table of Object.values(this.pending)) {
      for (const p of table.values()) p.reject(e);
      table.clear();
    }
  }
}

export function startWorker(): WorkerClient {
  const worker = new Worker(new URL('./generator.worker.ts', import.meta.url), {
    type: 'module',
    name: 'biggan-generator',
  });
  return new WorkerClient(worker);
}
