/** One worker of WasmPool: a single-threaded wasm backend and a generator loaded from disk. */
import { parentPort, workerData } from 'node:worker_threads';
import { generateFromInputs, type RawInputs } from '../src/core/sampling/sample';
import { loadModelFromPath } from '../src/cli/model_files';
import { startWasmBackend } from '../src/cli/wasm_threads';

const port = parentPort!;
const ready = (async () => {
  await startWasmBackend(1);
  return loadModelFromPath((workerData as { modelPath: string }).modelPath);
})();

port.on('message', async (msg: { id: number; cmd: string; inputs?: RawInputs }) => {
  try {
    const model = await ready;
    if (msg.cmd === 'ready') {
      port.postMessage({ id: msg.id, ready: true });
    } else if (msg.cmd === 'generate') {
      const out = generateFromInputs(model.generator, msg.inputs!);
      const images = (await out.data()) as Float32Array;
      out.dispose();
      port.postMessage({ id: msg.id, images }, [images.buffer as ArrayBuffer]);
    } else {
      port.postMessage({ id: msg.id, error: `unknown command ${msg.cmd}` });
    }
  } catch (e) {
    port.postMessage({ id: msg.id, error: String((e as Error)?.stack ?? e) });
  }
});
