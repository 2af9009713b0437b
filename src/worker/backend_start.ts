/**
 * A bounded backend start. `tf.setBackend` can wait forever (a WASM build whose threads die never
 * finishes initialising), and while it waits tfjs refuses every other backend too, so the page sat
 * at backend "none". Past the deadline the start is abandoned, tf is left with no half-started
 * backend, and the caller tries the next one.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A backend that has not started in this long is taken to hang (it fetches and compiles its code). */
export const BACKEND_START_TIMEOUT_MS = 20_000;

export type StartOutcome = 'started' | 'failed' | 'timed out';

export async function startWithin(
  name: string,
  start: () => Promise<boolean>,
  ms = BACKEND_START_TIMEOUT_MS,
): Promise<StartOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<StartOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  const started = start().then(
    (ok): StartOutcome => (ok ? 'started' : 'failed'),
    (): StartOutcome => 'failed',
  );
  const outcome = await Promise.race([started, deadline]);
  clearTimeout(timer);
  if (outcome === 'timed out') abandon(name);
  return outcome;
}

/**
 * Removing a backend is tfjs's own way to make its pending start obsolete (it resolves false when
 * it ever ends); registering the factory again lets a later try start it afresh.
 */
function abandon(name: string): void {
  const entry = tf.engine().registryFactory[name];
  if (!entry) return;
  tf.removeBackend(name);
  tf.registerBackend(name, entry.factory, entry.priority);
}
