/**
 * Failures of the worker's own (network, backend, memory), beside core's, and the rebuilding of an
 * error that crossed the worker boundary as {name, message} into the same class.
 */
import { BigGanError, ERROR_CLASSES, nameErrorClasses, type ErrorClass } from '../core/errors';
import type { SerializedError } from './protocol';

/** The network failed: offline, DNS, refused, or blocked by CORS (the browser cannot tell which). */
export class NetworkError extends BigGanError {}

/** The server answered, but not with the file (404, 403, 500...). */
export class HttpError extends BigGanError {}

/** A compute backend failed to start or died (a lost GPU device). */
export class BackendError extends BigGanError {}

/** The browser ran out of memory for the model. */
export class OutOfMemoryError extends BigGanError {}

/** A request that needs a model came before one was loaded. */
export class NoModelError extends BigGanError {}

/** The worker itself failed to start or crashed. */
export class WorkerCrashError extends BigGanError {}

const WORKER_ERROR_CLASSES = {
  NetworkError,
  HttpError,
  BackendError,
  OutOfMemoryError,
  NoModelError,
  WorkerCrashError,
} as const;

nameErrorClasses(WORKER_ERROR_CLASSES);

/** Every class that crosses the worker boundary, by the name it crosses under. */
export const ALL_ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = { ...ERROR_CLASSES, ...WORKER_ERROR_CLASSES };

export function serializeError(e: unknown): SerializedError {
  const err = classify(e);
  return { name: err.name, message: err.message };
}

/** Rebuilds the class an error had in the worker; unknown names become a plain Error with that name. */
export function rebuildError(s: SerializedError): Error {
  if (Object.hasOwn(ALL_ERROR_CLASSES, s.name)) return new ALL_ERROR_CLASSES[s.name](s.message);
  const e = new Error(s.message);
  e.name = s.name;
  return e;
}

/** Gives errors from the platform (allocation, GPU, abort) one of our classes and a useful message. */
export function classify(e: unknown): Error {
  if (e instanceof BigGanError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') return new ERROR_CLASSES.CancelledError('Cancelled.');
  const message = e instanceof Error ? e.message : String(e);
  if (
    e instanceof RangeError ||
    /out of memory|allocation failed|Array buffer allocation|could not allocate|OOM/i.test(message)
  ) {
    return new OutOfMemoryError(
      `The browser ran out of memory (${message}). Close other tabs, pick a smaller model, or use a lower batch size.`,
    );
  }
  if (e instanceof Error) return e;
  return new Error(message);
}
