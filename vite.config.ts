import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets the WASM backend use SharedArrayBuffer threads.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolationHeaders, host: '127.0.0.1' },
  preview: { headers: isolationHeaders, host: '127.0.0.1' },
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its pthreads from `factory.toString()`. The compressor rewrites
    // `typeof _scriptDir !== "undefined" && _scriptDir` in that factory into a reference to a
    // variable outside it, so every thread died with "e is not defined". Renaming alone keeps the
    // factory self-contained.
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
  build: { chunkSizeWarningLimit: 2500 },
  // Pre-bundled (not excluded): the WASM backend's Emscripten glue is CommonJS and needs interop.
  // Listed up front so the first visit does not reload when the worker's imports are discovered.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
      'fast-png',
      'react',
      'react-dom/client',
      'zustand',
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
