/**
 * The explorer page in headless Chromium, over the fixture models: drawing, class search, the
 * controls, latent locks, the shareable address, local files (good and corrupt), and WebGPU vs
 * WASM. One browser and one dev server for the whole file; fixture files come from a static server.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strideZeroBomb } from '../fuzz/crafted';
import { FIXTURES } from '../helpers/fixtures';
import { startAppServer, type AppServer } from './helpers/app_server';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { prepareModelDir } from './helpers/models';
import { afterChange, maxAbsDiff, meanAbsDiff, pixels, query, waitForSamples } from './helpers/page_tools';
import { startStaticServer, type StaticServer } from './helpers/static_server';

describe.skipIf(!chromiumAvailable())('explorer page', () => {
  let app: AppServer;
  let files: StaticServer;
  let browser: TestBrowser;
  let modelDir: string;
  let deepUrl: string;
  /** The BigGAN-deep fixture page, shared by the control tests in order. */
  let page: Page;

  beforeAll(async () => {
    modelDir = await prepareModelDir();
    [app, files, browser] = await Promise.all([
      startAppServer(),
      startStaticServer({ '/models': modelDir, '/fixtures': FIXTURES }),
      launchBrowser(),
    ]);
    deepUrl = `${files.origin}/models/deep/model.json`;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), files?.close()]);
    if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  });

  const open = async (search: string): Promise<Page> => {
    const p = await browser.newPage();
    await p.goto(`${app.origin}/${search}`);
    return p;
  };

  it('loads the default model and draws its samples', async () => {
    const p = await open('');
    await waitForSamples(p);
    expect(await p.locator('[data-testid=sample-canvas]').count()).toBe(4);
    expect(await p.textContent('[data-testid=backend]')).toMatch(/^(webgpu|webgl|wasm|cpu)$/);
    expect(await p.textContent('[data-testid=model-status]')).toMatch(/Fashion-MNIST/);
    const px = await pixels(p);
    expect(new Set(px).size).toBeGreaterThan(4);
    expect(query(p).get('model')).toBe('fashion-mnist-biggan-32');
    await p.close();
  });

  it('finds "golden" and picks the golden retriever on a 1000-class model', async () => {
    page = await open(`?model=${encodeURIComponent(deepUrl)}&batch=1&seed=3`);
    await waitForSamples(page);
    const before = await pixels(page);
    await page.fill('[data-testid=class-search]', 'golden');
    const option = page.locator('[data-testid=class-option]', { hasText: 'golden retriever' });
    await option.waitFor();
    await afterChange(page, () => option.click());
    expect(await page.getAttribute('[data-testid=blend-class]', 'data-index')).toBe('207');
    expect(query(page).get('class')).toBe('207');
    // The search also answers to WordNet ids, by keyboard.
    await page.fill('[data-testid=class-search]', 'n07697537');
    await page.locator('[data-testid=class-option]').first().waitFor();
    await afterChange(page, () => page.press('[data-testid=class-search]', 'Enter'));
    expect(await page.getAttribute('[data-testid=blend-class]', 'data-index')).toBe('934');
    expect(maxAbsDiff(before, await pixels(page))).toBeGreaterThan(0);
  });

  it('re-renders when truncation and seed change', async () => {
    const before = await pixels(page);
    await afterChange(page, () => page.fill('[data-testid=truncation]', '0.9'));
    expect(query(page).get('truncation')).toBe('0.9');
    const afterTruncation = await pixels(page);
    expect(maxAbsDiff(before, afterTruncation)).toBeGreaterThan(0);
    await afterChange(page, () => page.fill('[data-testid=seed]', '7'));
    expect(query(page).get('seed')).toBe('7');
    expect(maxAbsDiff(afterTruncation, await pixels(page))).toBeGreaterThan(0);
  });

  it('keeps a locked chunk while the unlocked ones are resampled', async () => {
    const chunk = page.locator('[data-testid=chunk][data-slot="1"]');
    await chunk.locator('[data-testid=chunk-lock]').click();
    expect(await chunk.getAttribute('data-locked')).toBe('true');
    expect(await chunk.getAttribute('data-seed')).toBe('7');
    const before = await pixels(page);
    await afterChange(page, () => page.click('[data-testid=resample-unlocked]'));
    expect(query(page).get('seed')).not.toBe('7');
    expect(await chunk.getAttribute('data-locked')).toBe('true');
    expect(await chunk.getAttribute('data-seed')).toBe('7');
    expect(query(page).get('lock')).toBe('1:7');
    expect(maxAbsDiff(before, await pixels(page))).toBeGreaterThan(0);
  });

  it('restores the same view from its address', async () => {
    const address = page.url();
    const original = await pixels(page);
    const copy = await browser.newPage();
    await copy.goto(address);
    await waitForSamples(copy);
    expect(copy.url()).toBe(address);
    expect(await copy.inputValue('[data-testid=seed]')).toBe(query(page).get('seed'));
    expect(await copy.inputValue('[data-testid=truncation]')).toBe('0.9');
    expect(await copy.getAttribute('[data-testid=chunk][data-slot="1"]', 'data-locked')).toBe('true');
    expect(maxAbsDiff(original, await pixels(copy))).toBe(0);
    await copy.close();
  });

  it('exports the current sample as a PNG at native size', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-png]')]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const png = readFileSync(path);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(128); // IHDR width
    expect(download.suggestedFilename()).toMatch(/\.png$/);
  });

  it('converts and draws a raw checkpoint picked from disk; a corrupt file leaves the model drawing', async () => {
    await page.locator('summary', { hasText: 'Open from a URL or files' }).click();
    await afterChange(page, () =>
      page.setInputFiles('[data-testid=model-files]', [
        join(FIXTURES, 'biggan-deep', 'pytorch_model.zip.bin'),
        join(FIXTURES, 'biggan-deep', 'config.json'),
      ]),
    );
    expect(await page.textContent('[data-testid=model-status]')).toMatch(/pytorch_model\.zip\.bin/);

    await page.setInputFiles('[data-testid=model-files]', join(modelDir, 'corrupt.pth'));
    const error = page.locator('[data-testid=load-error]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/corrupt\.pth.*previous model is still in use/s);
    // A hostile 1 KB file that would take 1 GB once read is refused the same way, and the worker lives on.
    writeFileSync(join(modelDir, 'bomb.pth'), strideZeroBomb());
    await page.setInputFiles('[data-testid=model-files]', join(modelDir, 'bomb.pth'));
    const refused = page.locator('[data-testid=load-error]', { hasText: 'bomb.pth' });
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/bomb\.pth.*repeats storage elements.*previous model is still in use/s);
    expect(await page.textContent('[data-testid=model-status]')).toMatch(/pytorch_model\.zip\.bin/);
    await afterChange(page, () => page.click('[aria-label="Next seed"]'));
    await page.close();
  });

  it('converts a raw checkpoint from a URL once, then opens it from IndexedDB; the copy can be deleted', async () => {
    const raw = `${files.origin}/fixtures/biggan-deep/pytorch_model.legacy.bin`;
    const search = `?model=${encodeURIComponent(raw)}&config=${encodeURIComponent(`${files.origin}/fixtures/biggan-deep/config.json`)}&batch=1`;
    const first = await open(search);
    await waitForSamples(first);
    expect(await first.textContent('[data-testid=model-status]')).not.toMatch(/offline copy/);
    const drawn = await pixels(first);
    await first.close();

    const again = await open(search);
    await waitForSamples(again);
    expect(await again.textContent('[data-testid=model-status]')).toMatch(/offline copy/);
    expect(maxAbsDiff(drawn, await pixels(again))).toBe(0);
    const entry = again.locator('[data-testid=cached-model]', { hasText: 'pytorch_model.legacy.bin' });
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(/MB/);
    await entry.getByRole('button', { name: /^Delete/ }).click();
    await entry.waitFor({ state: 'detached' });
    await again.close();
  });

  it('ignores nonsense in the address with a notice', async () => {
    const p = await open('?truncation=7&seed=-3&batch=99&mode=sideways&backend=quantum&class=banana:0');
    await waitForSamples(p);
    const notices = await p.locator('[data-testid=notice]').allTextContents();
    for (const word of ['truncation', 'seed', 'batch', 'mode', 'backend', 'class']) {
      expect(notices.join('\n')).toContain(word);
    }
    expect(query(p).get('truncation')).toBe('0.5');
    expect(query(p).get('batch')).toBe('4');
    await p.close();
  });

  it('draws the same pixels on WebGPU as on WASM', async () => {
    const wasm = await open('?batch=1&seed=5&backend=wasm');
    await waitForSamples(wasm);
    expect(await wasm.textContent('[data-testid=backend]')).toBe('wasm');
    const a = await pixels(wasm);
    await wasm.close();
    const gpu = await open('?batch=1&seed=5&backend=webgpu');
    await waitForSamples(gpu, 0, 240_000);
    expect(await gpu.textContent('[data-testid=backend]')).toBe('webgpu');
    const b = await pixels(gpu);
    await gpu.close();
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(6);
    expect(meanAbsDiff(a, b)).toBeLessThan(0.5);
  }, 300_000);

  it('logged no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
