/**
 * Errors cross the worker boundary as {name, message} and are rebuilt by name. A minified build
 * renames classes (a worker CancelledError once arrived named "of" and lost its class), so the
 * names must come from the registry. This bundles the error module the way the page and the
 * worker are built, and checks every class round-trips under its registry name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'biggan-error-names-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

type ErrorsModule = typeof import('../src/worker/errors');

/** Bundles the error module as part of an app (not a library, whose exports keep their names). */
async function bundled(name: string, minify: true | { compress: boolean; mangle: boolean }): Promise<ErrorsModule> {
  const dir = join(out, name);
  const entry = join(out, `${name}-entry.ts`);
  const key = `errors_${name}`;
  writeFileSync(
    entry,
    `import * as errors from ${JSON.stringify(join(ROOT, 'src/worker/errors.ts'))};\n` +
      `(globalThis as Record<string, unknown>)[${JSON.stringify(key)}] = { ...errors };\n`,
  );
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'error',
    build: {
      outDir: dir,
      minify: minify === true,
      rolldownOptions: { input: entry, output: { entryFileNames: 'entry.js', ...(minify === true ? {} : { minify }) } },
    },
  });
  await import(pathToFileURL(join(dir, 'entry.js')).href);
  return (globalThis as unknown as Record<string, ErrorsModule>)[key];
}

describe.each([
  ['page (fully minified)', true],
  ['worker (mangled, not compressed)', { compress: false, mangle: true }],
] as const)('error names in the %s build', (label, minify) => {
  it('every registered class keeps its registry name and is rebuilt as itself', async () => {
    const mod = await bundled(label.split(' ')[0], minify);
    const names = Object.keys(mod.ALL_ERROR_CLASSES);
    expect(names).toContain('CancelledError');
    expect(names).toContain('NetworkError');
    for (const name of names) {
      const Cls = mod.ALL_ERROR_CLASSES[name];
      const sent = mod.serializeError(new Cls('it failed'));
      expect(sent).toEqual({ name, message: 'it failed' });
      const rebuilt = mod.rebuildError(sent);
      expect(rebuilt).toBeInstanceOf(Cls);
      expect(rebuilt.name).toBe(name);
    }
  });
});

describe('rebuilding by name', () => {
  it('an unknown name, even one Object.prototype has, becomes a plain Error with that name', async () => {
    const { rebuildError } = await import('../src/worker/errors');
    for (const name of ['SomethingElse', 'toString', '__proto__', 'constructor']) {
      const e = rebuildError({ name, message: 'm' });
      expect(e.constructor).toBe(Error);
      expect(e.name).toBe(name);
      expect(e.message).toBe('m');
    }
  });
});
