/**
 * The production build draws, small and on all the cores: minification once broke the WASM
 * backend's threads ("e is not defined" in every pthread) while the dev server worked, and
 * tfjs-backend-wasm used to get half the cores in the page. So the built page is tested too.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { waitForSamples } from './helpers/page_tools';
import { startPreviewServer, type PreviewServer } from './helpers/preview_server';

/** The bar for all the built JavaScript (page + worker), in bytes. */
const MAX_JS_BYTES = 2.6e6;
/** tfjs-backend-wasm pre-creates this many pthread workers, its upper bound on threads. */
const WASM_MAX_THREADS = 8;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(d.parentPath, d.name)) : [join(d.parentPath, d.name)],
  );
}

/** Waits for every sample, but fails at the first console or page error instead of at the timeout. */
async function samplesOrFirstError(page: Page, errors: string[], timeout: number): Promise<void> {
  let timer: ReturnType<typeof setInterval> | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (errors.length > 0) reject(new Error(`The built page logged errors before drawing:\n${errors.join('\n')}`));
    }, 100);
  });
  try {
    await Promise.race([waitForSamples(page, 0, timeout), failed]);
  } finally {
    clearInterval(timer);
  }
}

describe.skipIf(!chromiumAvailable())('the production build', () => {
  let server: PreviewServer;
  let browser: TestBrowser;
  beforeAll(async () => {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    [server, browser] = await Promise.all([startPreviewServer(port), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`is minified: all its JavaScript totals at most ${MAX_JS_BYTES / 1e6} MB`, () => {
    const js = filesUnder(server.outDir).filter((f) => f.endsWith('.js'));
    const bytes = js.reduce((sum, f) => sum + statSync(f).size, 0);
    console.log(`built JS: ${js.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
    expect(js.length).toBeGreaterThanOrEqual(2);
    expect(bytes).toBeLessThanOrEqual(MAX_JS_BYTES);
  });

  it('opens on the bundled model and draws on WASM with one thread per core, with no console error', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/?backend=wasm&batch=2&seed=4`);
    await samplesOrFirstError(page, browser.errors, 120_000);
    expect(await page.locator('[data-testid=sample-canvas][data-ready=true]').count()).toBe(2);
    expect(await page.textContent('[data-testid=backend]')).toMatch(/WASM/i);

    const { cores, isolated } = await page.evaluate(() => ({
      cores: navigator.hardwareConcurrency,
      isolated: crossOriginIsolated,
    }));
    expect(isolated).toBe(true);
    const shown = (await page.textContent('[data-testid=backend-threads]')) ?? '';
    const threads = Number(/(\d+) thread/.exec(shown)?.[1]);
    console.log(`WASM threads in the built page: ${threads} (hardwareConcurrency ${cores})`);
    expect(threads).toBe(Math.min(cores, WASM_MAX_THREADS));
    if (cores >= 2) expect(threads).toBeGreaterThan(1);
    expect(browser.errors).toEqual([]);
    await page.close();
  });
});
