/**
 * A backend whose start never ends (a WASM build whose threads die hangs so) used to leave the
 * page at backend "none" for good. Here the WASM binary's download never answers: after the start
 * deadline the page says so, moves to the next backend and draws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_START_TIMEOUT_MS } from '../../src/worker/backend_start';
import { startAppServer, type AppServer } from './helpers/app_server';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { waitForSamples } from './helpers/page_tools';

describe.skipIf(!chromiumAvailable())('a backend that never starts', () => {
  let app: AppServer;
  let browser: TestBrowser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('is given up after the deadline, with a notice, and the next backend draws', async () => {
    const page = await browser.newPage();
    let held = 0;
    // Never answered: the backend's initialisation waits on it for ever.
    await page.route(/tfjs-backend-wasm[^/]*\.wasm$/, () => {
      held++;
    });
    await page.goto(`${app.origin}/?backend=wasm&batch=1&seed=2`);
    await waitForSamples(page, 0, BACKEND_START_TIMEOUT_MS + 60_000);
    expect(held).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=backend]')).toMatch(/cpu/i);
    const notices = await page.locator('[data-testid=notice]').allTextContents();
    expect(notices.join('\n')).toContain(
      `WASM did not start within ${BACKEND_START_TIMEOUT_MS / 1000} s, so the page uses CPU.`,
    );
    await page.close();
  });
});
