/** The production build (`vite build`) served by `vite preview`, as a deployment would serve it. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { AppServer } from './app_server';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export async function startPreviewServer(port: number): Promise<AppServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'biggan-dist-'));
  await build({ root: ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  // vite preview as a child process: its in-process API leaves nothing keeping Node alive here.
  const server = spawn(join(ROOT, 'node_modules/.bin/vite'), ['preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: ROOT });
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => d.toString().includes(String(port)) && resolve());
    server.on('exit', (code) => reject(new Error(`vite preview exited with ${code}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.kill();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
