/** Switches TensorFlow.js between the Node backends the tests cover. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { installFastWasmSlice } from '../../src/core/nets/wasm_slice';

export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export async function setBackend(name: NodeBackend): Promise<void> {
  if (name === 'wasm') installFastWasmSlice();
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to start`);
  await tf.ready();
}
