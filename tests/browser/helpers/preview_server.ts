/** The production build (`vite build`) served by `vite preview`, as a deployment would serve it. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AppServer } from './app_server';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The served build, and the folder it was built into (for size checks). */
export type PreviewServer = AppServer & { outDir: string };

export async function startPreviewServer(port: number): Promise<PreviewServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'biggan-dist-'));
  // As `npm run build` does, in its own process: under vitest NODE_ENV is "test", with which an
  // in-process build bundles React's development build (a third bigger) and is no production build.
  await promisify(execFile)(
    join(ROOT, 'node_modules/.bin/vite'),
    ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  // vite preview as a child process: its in-process API leaves nothing keeping Node alive here.
  const server = spawn(
    join(ROOT, 'node_modules/.bin/vite'),
    ['preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: ROOT },
  );
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => d.toString().includes(String(port)) && resolve());
    server.on('exit', (code) => reject(new Error(`vite preview exited with ${code}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    outDir,
    close: async () => {
      server.kill();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
