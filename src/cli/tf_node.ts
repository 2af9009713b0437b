/** TensorFlow.js backends for Node: WASM (fast, default) and the plain JS cpu backend (reference). */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { SettingsError } from '../core/errors';

export type NodeBackend = 'wasm' | 'cpu';
export const NODE_BACKENDS: readonly NodeBackend[] = ['wasm', 'cpu'];

export async function useBackend(name: string): Promise<NodeBackend> {
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) {
    throw new SettingsError(`Unknown backend '${name}'; in Node use one of: ${NODE_BACKENDS.join(', ')}.`);
  }
  // The banner suggesting tfjs-node is noise here: tfjs-node cannot be installed on this stack.
  tf.env().set('IS_NODE', tf.env().getBool('IS_NODE'));
  const ok = await tf.setBackend(name);
  if (!ok) throw new SettingsError(`The ${name} backend failed to start.`);
  await tf.ready();
  return name as NodeBackend;
}
