/**
 * tfjs-backend-webgpu in Node, through Dawn (the optional `webgpu` package, dawn.node).
 *
 * tfjs registers its webgpu backend only where `navigator.gpu` exists when the package is imported,
 * which Node lacks; its kernels register regardless. So this module asks Dawn for an adapter and a
 * device itself (with the adapter's buffer limits, as tfjs's own factory does) and registers the
 * backend under the usual name. Without a GPU, Dawn runs on a software Vulkan driver if one is
 * installed: SwiftShader (`VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`) or
 * Mesa's lavapipe, both far slower than the wasm backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SettingsError } from '../core/errors';

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

export interface WebGpuDeviceOptions {
  /** Ask for the WebGPU default limits (128 MiB per binding, 256 MiB per buffer) instead of the adapter's. */
  defaultLimits?: boolean;
}

const NO_PACKAGE =
  "WebGPU in Node needs the optional package 'webgpu' (Dawn): run `npm install webgpu`, or use --backend wasm.";
const NO_ADAPTER =
  "WebGPU: Dawn found no GPU adapter. Install a Vulkan driver (your GPU vendor's, or `apt-get install libvulkan1 " +
  'mesa-vulkan-drivers` for a software one; VK_ICD_FILENAMES picks a driver), or use --backend wasm.';

async function loadDawn(): Promise<DawnModule> {
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch {
    throw new SettingsError(NO_PACKAGE);
  }
}

/** What the adapter says it is, for messages ("SwiftShader Device (Subzero)", "NVIDIA H200"). */
export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s);
  return parts.length > 0 ? parts.join(' ') : 'unknown adapter';
}

/** A Dawn device, or a SettingsError saying what to install or which backend to use instead. */
export async function requestWebGpuDevice(
  options: WebGpuDeviceOptions = {},
): Promise<{ device: GPUDevice; adapter: GPUAdapter }> {
  const dawn = await loadDawn();
  // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode and friends as globals.
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // WebGPUBackend's constructor checks navigator.gpu; Node 20 has no navigator, Node 21+ one without gpu.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  // No adapter may come as null or as a rejection; both mean the same here.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) throw new SettingsError(NO_ADAPTER);
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: options.defaultLimits
      ? {}
      : {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
  });
  return { device, adapter };
}

/**
 * Makes 'webgpu' the active tfjs backend on a Dawn device. Returns the adapter's description.
 * Calling it again replaces the backend with one on a fresh device.
 */
export async function startWebGpuBackend(options: WebGpuDeviceOptions = {}): Promise<string> {
  const { device, adapter } = await requestWebGpuDevice(options);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info), 3);
  if (!(await tf.setBackend('webgpu')))
    throw new SettingsError('The webgpu backend failed to start on this adapter; use --backend wasm.');
  await tf.ready();
  return describeAdapter(adapter.info);
}
