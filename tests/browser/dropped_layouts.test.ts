/**
 * A raw checkpoint of each of the three released layouts, dropped on the page as a user would:
 * converted in the worker, drawn, and named (file, family) in the model line. The fixture files are
 * fetched into Files inside the page and dropped as one DataTransfer, like a drag from the desktop.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/fixtures';
import { startAppServer, type AppServer } from './helpers/app_server';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { afterChange, pixels, waitForSamples } from './helpers/page_tools';
import { startStaticServer, type StaticServer } from './helpers/static_server';

/** Fetches `urls` into Files in the page and drops them all at once on its body. */
async function dropUrls(page: Page, urls: string[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle(async (urls) => {
    const dt = new DataTransfer();
    for (const url of urls) {
      const blob = await (await fetch(url)).blob();
      dt.items.add(new File([blob], url.split('/').pop()!));
    }
    return dt;
  }, urls);
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

/** Standard deviation of the RGB values: a blank or flat canvas has (nearly) none. */
function spread(rgba: number[]): number {
  const rgb = rgba.filter((_, i) => i % 4 !== 3);
  const mean = rgb.reduce((a, b) => a + b, 0) / rgb.length;
  return Math.sqrt(rgb.reduce((a, b) => a + (b - mean) ** 2, 0) / rgb.length);
}

const LAYOUTS: [string, string[], RegExp, number][] = [
  [
    'BigGAN-deep',
    ['biggan-deep/pytorch_model.zip.bin', 'biggan-deep/config.json'],
    /pytorch_model\.zip\.bin · BigGAN-deep 128px/,
    11,
  ],
  ['BigGAN (BigGAN-PyTorch)', ['biggan/G.legacy.pth'], /G\.legacy\.pth · BigGAN 128px/, 6],
  [
    'BigGAN, TF Hub release',
    ['biggan-tfhub/biggan128-release.legacy.pt'],
    /biggan128-release\.legacy\.pt · BigGAN, TF Hub release 128px/,
    6,
  ],
];

describe.skipIf(!chromiumAvailable())('a dropped checkpoint of each released layout', () => {
  let app: AppServer;
  let files: StaticServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [app, files, browser] = await Promise.all([
      startAppServer(),
      startStaticServer({ '/fixtures': FIXTURES }),
      launchBrowser(),
    ]);
    page = await browser.newPage();
    await page.goto(`${app.origin}/?backend=wasm&batch=1`);
    await waitForSamples(page);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), files?.close()]);
  });

  it.each(LAYOUTS)('%s: converted in the page, drawn, and named', async (_, paths, status, slots) => {
    const before = await pixels(page);
    await afterChange(page, () =>
      dropUrls(
        page,
        paths.map((p) => `${files.origin}/fixtures/${p}`),
      ),
    );
    expect(await page.textContent('[data-testid=model-status]')).toMatch(status);
    expect(await page.locator('[data-testid=chunk]').count()).toBe(slots);
    const drawn = await pixels(page);
    expect(drawn.length).toBe(128 * 128 * 4);
    expect(drawn).not.toEqual(before);
    expect(spread(drawn)).toBeGreaterThan(10);
    expect(new Set(drawn).size).toBeGreaterThan(64);
  });

  it('logged no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
