/** Without the optional `webgpu` package, asking for WebGPU in Node says what to install. */
import { describe, expect, it, vi } from 'vitest';
import { startWebGpuBackend } from '../src/cli/webgpu_node';

vi.mock('webgpu', () => {
  throw new Error("Cannot find package 'webgpu'");
});

describe('WebGPU in Node without the webgpu package', () => {
  it('names the package to install and the backend to use instead', async () => {
    await expect(startWebGpuBackend()).rejects.toThrow(
      "WebGPU in Node needs the optional package 'webgpu' (Dawn): run `npm install webgpu`, or use --backend wasm.",
    );
  });
});
