// Entry of a WasmPool worker thread: tsx registered in the parent thread does not reach workers,
// so register it here (as bin/biggan.mjs does) and load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./wasm_pool_worker.ts');
