/**
 * Backend choice inside the worker: probe WebGPU and WebGL for a real (hardware) adapter, then use
 * the first that works in the order WebGPU, WebGL, WASM, CPU. A software adapter (SwiftShader,
 * llvmpipe, a WebGPU fallback adapter) is far slower than WASM, so "auto" skips it; the user may
 * still force it. WASM binaries come from Vite `?url` imports so the dev server and a build serve them.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { installFastWasmSlice } from '../core/nets/wasm_slice';
import { type BackendChoice, type BackendName, type BackendProbe } from './protocol';
import { setWasmBackend } from './wasm_thread_pool';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

const SOFTWARE_RE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  const no = (detail: string): BackendProbe => ({ name: 'webgpu', available: false, software: false, detail });
  if (!gpu) return no('not supported by this browser');
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return no('no WebGPU adapter');
    const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
    const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
    const software = Boolean(adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE_RE.test(text));
    return { name: 'webgpu', available: true, software, detail: text || 'unknown adapter' };
  } catch (e) {
    return no(`adapter request failed: ${(e as Error).message}`);
  }
}

function probeWebGl(): BackendProbe {
  const no = (detail: string): BackendProbe => ({ name: 'webgl', available: false, software: false, detail });
  if (typeof OffscreenCanvas === 'undefined') return no('no OffscreenCanvas in workers');
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return no('WebGL 2 is unavailable');
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { name: 'webgl', available: true, software: SOFTWARE_RE.test(renderer), detail: renderer };
  } catch (e) {
    return no((e as Error).message);
  }
}

export async function probeBackends(): Promise<BackendProbe[]> {
  const wasmThreads = typeof SharedArrayBuffer !== 'undefined' && self.crossOriginIsolated === true;
  return [
    await probeWebGpu(),
    probeWebGl(),
    {
      name: 'wasm',
      available: typeof WebAssembly === 'object',
      software: false,
      detail: wasmThreads ? 'SIMD, threads' : 'SIMD',
    },
    { name: 'cpu', available: true, software: false, detail: 'plain JavaScript (slowest)' },
  ];
}

/** The order to try: the user's choice first, then the rest; "auto" puts software adapters last but one. */
export function candidateOrder(choice: BackendChoice, probes: BackendProbe[]): BackendName[] {
  const usable = probes.filter((p) => p.available);
  if (choice !== 'auto') {
    const rest = usable.filter((p) => p.name !== choice && !p.software).map((p) => p.name);
    return [choice, ...rest];
  }
  const fast = usable.filter((p) => !p.software).map((p) => p.name);
  const slow = usable.filter((p) => p.software).map((p) => p.name);
  // Software GPU adapters are slower than WASM but faster than plain JS.
  return [...fast.filter((n) => n !== 'cpu'), ...slow, 'cpu'];
}

/** Switches tf to `name`; false if it cannot start here. */
export async function trySetBackend(name: BackendName): Promise<boolean> {
  try {
    if (tf.getBackend() === name) return true;
    if (name === 'wasm') installFastWasmSlice();
    const ok = name === 'wasm' ? await setWasmBackend() : await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

export function describeChoice(choice: BackendChoice, used: BackendName, probes: BackendProbe[]): string {
  const probe = probes.find((p) => p.name === used);
  if (choice === used) return `you chose it${probe?.software ? ' (software adapter: slow)' : ''}`;
  if (choice !== 'auto') return `${choice} could not start here`;
  const skipped = probes.filter((p) => p.available && p.software).map((p) => p.name);
  return skipped.length > 0 ? `fastest here (${skipped.join(', ')}: software adapter, slower)` : 'fastest available';
}

interface WebGpuBackendLike {
  device?: { lost: Promise<{ reason?: string; message?: string }>; destroy(): void };
}

/** The active WebGPU device, if the active backend is WebGPU. */
export function webGpuDevice(): WebGpuBackendLike['device'] {
  if (tf.getBackend() !== 'webgpu') return undefined;
  return (tf.backend() as unknown as WebGpuBackendLike).device;
}

/**
 * Drops a dead WebGPU backend and registers its factory again, so the next setBackend asks for a
 * fresh device; the factory itself is tfjs's.
 */
export function resetWebGpu(): void {
  const engine = tf.engine();
  let factory: ReturnType<typeof engine.findBackendFactory>;
  try {
    factory = engine.findBackendFactory('webgpu');
  } catch {
    return;
  }
  if (!factory) return;
  try {
    tf.removeBackend('webgpu');
  } catch {
    // It may have half-failed already; registering again below is what matters.
  }
  tf.registerBackend('webgpu', factory, 3);
}
