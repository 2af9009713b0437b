/** The app's Vite dev server, started in-process on 127.0.0.1 and a free port, without file watching. */
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface AppServer {
  origin: string;
  close(): Promise<void>;
}

export async function startAppServer(): Promise<AppServer> {
  const server: ViteDevServer = await createServer({
    root: ROOT,
    configFile: `${ROOT}vite.config.ts`,
    logLevel: 'warn',
    clearScreen: false,
    // Other people edit the sources while tests run: no watcher, no reloads.
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null, hmr: false },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('The Vite dev server has no address.');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
