/**
 * WebGPU in headless Chromium (SwiftShader here, so slow): the bundled default model shows its
 * shader "compile" phase before the first sample draws, and a destroyed GPU device is recovered
 * without a reload (the notice says so and names the backend, the header shows it, samples draw
 * again and follow the seed). The device is destroyed by the worker's own `loseDevice` request,
 * dispatched to the worker's `self` as the page's WorkerClient would post it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from './helpers/app_server';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { generation, maxAbsDiff, pixels, waitForSamples } from './helpers/page_tools';

const SLOW = 400_000;

interface CompileSeen {
  /** Every distinct "Compiling shaders N of M" text seen on the page, in order. */
  texts: string[];
  /** Whether any sample canvas was drawn when the first of them was seen. */
  drawnAtFirst: boolean | null;
}

declare global {
  interface Window {
    __compileSeen?: CompileSeen;
  }
}

/** Records, from before the page's scripts run, every compile-phase text the page shows. */
function recordCompilePhase(): void {
  const seen: CompileSeen = { texts: [], drawnAtFirst: null };
  window.__compileSeen = seen;
  const check = () => {
    const found = document.body?.innerText.match(/Compiling shaders \d+ of \d+/g) ?? [];
    for (const text of found) {
      if (seen.texts.includes(text)) continue;
      if (seen.drawnAtFirst === null) {
        seen.drawnAtFirst = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid=sample-canvas]')].some(
          (c) => c.dataset.ready === 'true',
        );
      }
      seen.texts.push(text);
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
}

describe.skipIf(!chromiumAvailable())('WebGPU: compile phase and GPU device loss', () => {
  let app: AppServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it(
    'shows the shader compile phase before the first sample on WebGPU',
    async () => {
      page = await browser.newPage();
      await page.addInitScript(recordCompilePhase);
      await page.goto(`${app.origin}/?batch=1&seed=5&backend=webgpu`);
      await waitForSamples(page, 0, SLOW);
      expect(await page.textContent('[data-testid=backend]')).toBe('webgpu');
      const seen = await page.evaluate(() => window.__compileSeen!);
      expect(seen.texts.length).toBeGreaterThan(0);
      expect(seen.texts[0]).toMatch(/^Compiling shaders \d+ of \d+$/);
      expect(seen.drawnAtFirst).toBe(false);
      console.log(`compile phase seen: ${seen.texts.join(' | ')}`);
      expect(new Set(await pixels(page)).size).toBeGreaterThan(4);
    },
    SLOW + 20_000,
  );

  it(
    'recovers from a lost GPU device without a reload',
    async () => {
      const worker = page.workers().find((w) => /generator\.worker/.test(w.url()));
      expect(worker, `workers: ${page.workers().map((w) => w.url())}`).toBeTruthy();
      const before = await generation(page);
      const noticesBefore = await page.locator('[data-testid=notice]').count();
      // Shaped as WorkerClient.request posts it: the body plus an id (one the page never uses,
      // so the page's client ignores the reply).
      await worker!.evaluate(() => {
        self.dispatchEvent(new MessageEvent('message', { data: { type: 'loseDevice', id: 1_000_000 } }));
      });
      const notice = page.locator('[data-testid=notice]', { hasText: 'The GPU device was lost' });
      await notice.first().waitFor({ timeout: SLOW });
      const text = (await notice.first().textContent()) ?? '';
      console.log(`notice: ${text}`);
      expect(await page.locator('[data-testid=notice]').count()).toBeGreaterThan(noticesBefore);
      const m = text.match(/WebGPU restarted and the model was reloaded|switched to (WEBGL|WASM|CPU)/);
      expect(m, text).toBeTruthy();
      const expected = m![1] ? m![1].toLowerCase() : 'webgpu';
      expect(await page.textContent('[data-testid=backend]')).toBe(expected);
      // The page draws again on the backend it switched to.
      await waitForSamples(page, before, SLOW);
      const a = await pixels(page);
      expect(new Set(a).size).toBeGreaterThan(4);
      const drawn = await generation(page);
      await page.fill('[data-testid=seed]', '6');
      await waitForSamples(page, drawn, SLOW);
      const b = await pixels(page);
      expect(new Set(b).size).toBeGreaterThan(4);
      expect(maxAbsDiff(a, b)).toBeGreaterThan(10);
      expect(await page.textContent('[data-testid=backend]')).toBe(expected);
    },
    2 * SLOW + 20_000,
  );

  it('logged no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
