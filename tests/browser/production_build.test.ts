/**
 * The production build draws: minification once broke the WASM backend's threads ("e is not
 * defined" in every pthread) while the dev server worked, so the built page is tested too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from './helpers/app_server';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { waitForSamples } from './helpers/page_tools';
import { startPreviewServer } from './helpers/preview_server';

describe.skipIf(!chromiumAvailable())('the production build', () => {
  let server: AppServer;
  let browser: TestBrowser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startPreviewServer(4319), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens on the bundled model and draws on WASM with no console error', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/?backend=wasm&batch=2&seed=4`);
    await waitForSamples(page, 0, 120_000);
    expect(await page.locator('[data-testid=sample-canvas][data-ready=true]').count()).toBe(2);
    expect(await page.textContent('[data-testid=backend]')).toMatch(/WASM/i);
    expect(browser.errors).toEqual([]);
    await page.close();
  });
});
