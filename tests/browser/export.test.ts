/**
 * Export, restore and animate, in headless Chromium over the BigGAN-deep fixture: every file the
 * page exports is decoded here (PNG pixels equal the canvas, the record restores the same pixels,
 * the GIF has N frames, the WebM is a WebM of the right size); bad files only get a message.
 */
import { rmSync } from 'node:fs';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { encode } from 'fast-png';
import { GifReader } from 'omggif';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSampleRecord, PNG_TEXT_KEY } from '../../src/core/export/sample_record';
import { hugePng, textFirstPng } from '../fuzz/crafted';
import { startAppServer, type AppServer } from './helpers/app_server';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { crop, decodePng, download, dropFile, rgbOf, waitNotice, type Saved } from './helpers/files';
import { prepareModelDir } from './helpers/models';
import { afterChange, maxAbsDiff, pixels, waitForSamples } from './helpers/page_tools';
import { startStaticServer, type StaticServer } from './helpers/static_server';

const R = 128;

describe.skipIf(!chromiumAvailable())('export, restore and animate', () => {
  let app: AppServer;
  let files: StaticServer;
  let browser: TestBrowser;
  let modelDir: string;
  let page: Page;
  let search: string;
  /** The PNG of sample 1 (seed 8) exported at native size. */
  let single: Saved;

  beforeAll(async () => {
    modelDir = await prepareModelDir();
    [app, files, browser] = await Promise.all([
      startAppServer(),
      startStaticServer({ '/models': modelDir }),
      launchBrowser(),
    ]);
    search = `?model=${encodeURIComponent(`${files.origin}/models/deep/model.json`)}&class=207&batch=2&seed=7&truncation=0.4`;
    page = await browser.newPage();
    await page.goto(`${app.origin}/${search}`);
    await waitForSamples(page);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), files?.close()]);
    if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  });

  it('exports the current sample as a PNG with its settings; pixels equal the canvas', async () => {
    await page.locator('[data-testid=sample-canvas]').nth(1).click();
    single = await download(page, '[data-testid=export-png]');
    expect(single.name).toBe('deep_golden-retriever_t0.40_seed8.png');
    const png = decodePng(single.bytes);
    expect([png.width, png.height]).toEqual([R, R]);
    expect(maxAbsDiff(png.rgb, rgbOf(await pixels(page, 1)))).toBe(0);
    const record = parseSampleRecord(png.text[PNG_TEXT_KEY]);
    expect(record.seed).toBe(8);
    expect(record.truncation).toBe(0.4);
    expect(record.classes).toEqual([{ index: 207, weight: 1, name: 'golden retriever' }]);
    expect(record.model.id).toMatch(/models\/deep\/model\.json$/);
    expect(record.model.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.z).toHaveLength(128);
    expect(record.backend).toMatch(/^(wasm|webgpu|webgl|cpu)$/);
  });

  it('upscales 2x (nearest) and exports the grid with a caption', async () => {
    await page.selectOption('[data-testid=export-scale]', '2');
    const big = decodePng((await download(page, '[data-testid=export-png]')).bytes);
    expect([big.width, big.height]).toEqual([2 * R, 2 * R]);
    const native = decodePng(single.bytes).rgb;
    // Nearest: every 2x2 block repeats the native pixel.
    const every2 = crop(big.rgb, 2 * R, 0, 0, 2 * R, 2 * R).filter(
      (_, i) => Math.floor(i / 3 / (2 * R)) % 2 === 0 && Math.floor(i / 3) % 2 === 0,
    );
    expect(maxAbsDiff(every2, native)).toBe(0);
    await page.selectOption('[data-testid=export-scale]', '1');

    await page.check('[data-testid=export-caption]');
    const grid = await download(page, '[data-testid=export-grid]');
    expect(grid.name).toBe('deep_golden-retriever_t0.40_seed7-8_grid.png');
    const g = decodePng(grid.bytes);
    expect(g.width).toBe(2 * R + 2);
    expect(g.height).toBeGreaterThan(R + 10); // the caption band
    expect(maxAbsDiff(crop(g.rgb, g.width, 0, 0, R, R), rgbOf(await pixels(page, 0)))).toBe(0);
    expect(maxAbsDiff(crop(g.rgb, g.width, R + 2, 0, R, R), rgbOf(await pixels(page, 1)))).toBe(0);
    const caption = crop(g.rgb, g.width, 0, R, g.width, g.height - R);
    expect(new Set(caption).size).toBeGreaterThan(2); // text was drawn
    const record = parseSampleRecord(g.text[PNG_TEXT_KEY]);
    expect([record.seed, record.batch]).toEqual([7, 2]);
  });

  it('downloads all samples as a zip of PNGs that carry their records', async () => {
    const zip = await download(page, '[data-testid=export-zip]');
    expect(zip.name).toBe('deep_golden-retriever_t0.40_seed7-8.zip');
    const reader = new ZipReader(new Uint8ArrayReader(zip.bytes));
    const entries = await reader.getEntries();
    expect(entries.map((e) => e.filename)).toEqual([
      'deep_golden-retriever_t0.40_seed7.png',
      'deep_golden-retriever_t0.40_seed8.png',
    ]);
    for (const [i, e] of entries.entries()) {
      if (e.directory) throw new Error('unexpected folder');
      const png = decodePng(await e.getData(new Uint8ArrayWriter()));
      expect(maxAbsDiff(png.rgb, rgbOf(await pixels(page, i)))).toBe(0);
      expect(parseSampleRecord(png.text[PNG_TEXT_KEY]).seed).toBe(7 + i);
    }
    await reader.close();
  });

  it('restores a dropped PNG after a reload: same settings, same pixels', async () => {
    const other = await browser.newPage();
    await other.goto(
      `${app.origin}/${search.replace('seed=7', 'seed=99').replace('truncation=0.4', 'truncation=0.8')}`,
    );
    await waitForSamples(other);
    await afterChange(other, () => dropFile(other, single.name, single.bytes));
    expect(await other.inputValue('[data-testid=seed]')).toBe('8');
    expect(await other.inputValue('[data-testid=truncation]')).toBe('0.4');
    expect(maxAbsDiff(rgbOf(await pixels(other, 0)), decodePng(single.bytes).rgb)).toBe(0);
    await other.close();
  });

  it('refuses a non-PNG, tampered settings, a huge PNG and a hostile one with a message; nothing is lost', async () => {
    const seed = await page.inputValue('[data-testid=seed]');
    const before = await pixels(page, 0);
    await dropFile(page, 'notes.png', new TextEncoder().encode('just some text'), 'image/png');
    expect(await waitNotice(page, /notes\.png/)).toMatch(/not a PNG.*Nothing was changed/);

    const png = decodePng(single.bytes);
    const record = JSON.parse(png.text[PNG_TEXT_KEY]);
    const retext = (r: object) =>
      encode({
        width: R,
        height: R,
        data: Uint8Array.from(png.rgb),
        channels: 3,
        text: { [PNG_TEXT_KEY]: JSON.stringify(r) },
      });
    await dropFile(
      page,
      'foreign.png',
      retext({ ...record, model: { ...record.model, id: 'my-own-gan', hash: 'ab'.repeat(32) } }),
    );
    expect(await waitNotice(page, /foreign\.png/)).toMatch(/my-own-gan.*sha256 abababababab.*current view is kept/);
    await dropFile(page, 'range.png', retext({ ...record, truncation: 7 }));
    expect(await waitNotice(page, /range\.png/)).toMatch(/damaged.*truncation/i);
    await dropFile(page, 'noinfo.png', encode({ width: 2, height: 2, data: new Uint8Array(12), channels: 3 }));
    expect(await waitNotice(page, /noinfo\.png/)).toMatch(/no BigGAN Explorer settings/);

    // 1.6 GB of 16-bit pixels in 1.6 MB: the record is looked for without decoding them.
    await dropFile(page, 'huge.png', hugePng());
    expect(await waitNotice(page, /huge\.png/)).toMatch(/no BigGAN Explorer settings/);
    await dropFile(page, 'hostile.png', textFirstPng());
    expect(await waitNotice(page, /hostile\.png/)).toMatch(/damaged: its first chunk is tEXt, not IHDR/);

    expect(await page.inputValue('[data-testid=seed]')).toBe(seed);
    expect(maxAbsDiff(before, await pixels(page, 0))).toBe(0);
  });

  it('interpolates A to B in the worker, then exports a strip, a GIF and a WebM', async () => {
    await page.locator('[data-testid=sample-canvas]').nth(0).click();
    await page.click('[data-testid=interp-a]');
    await page.locator('[data-testid=sample-canvas]').nth(1).click();
    await page.click('[data-testid=interp-b]');
    await page.fill('[data-testid=interp-steps]', '4');
    await page.check('[data-testid=interp-what-z]');
    await page.click('[data-testid=interp-run]');
    await page.locator('[data-testid=interp-progress]').waitFor();
    await page.waitForSelector('[data-testid=interp-panel][data-status=done]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=interp-frame][data-ready=true]').count()).toBe(4);
    const frame = (i: number) =>
      page.$$eval(
        '[data-testid=interp-frame]',
        (c, i) => [...(c[i] as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 128, 128).data],
        i,
      );
    // The walk starts at A and ends at B (z only, same class and truncation).
    expect(maxAbsDiff(await frame(0), await pixels(page, 0))).toBeLessThanOrEqual(2);
    expect(maxAbsDiff(await frame(3), await pixels(page, 1))).toBeLessThanOrEqual(2);

    const strip = await download(page, '[data-testid=interp-export-strip]');
    expect(strip.name).toBe('deep_golden-retriever_t0.40_seed7-8_interp-z-4f.png');
    const s = decodePng(strip.bytes);
    expect([s.width, s.height]).toEqual([4 * R, R]);
    expect(maxAbsDiff(crop(s.rgb, s.width, 0, 0, R, R), rgbOf(await frame(0)))).toBe(0);
    expect(parseSampleRecord(s.text[PNG_TEXT_KEY]).seed).toBe(7);

    const gifFile = await download(page, '[data-testid=interp-export-gif]');
    expect(gifFile.name).toMatch(/_interp-z-4f\.gif$/);
    const gif = new GifReader(Buffer.from(gifFile.bytes));
    expect([gif.numFrames(), gif.width, gif.height]).toEqual([4, R, R]);

    const hasVideo = (await page.locator('[data-testid=interp-export-webm]').count()) > 0;
    expect(hasVideo || (await page.locator('[data-testid=interp-no-video]').count()) > 0).toBe(true);
    if (hasVideo) {
      const webm = await download(page, '[data-testid=interp-export-webm]');
      expect(webm.name).toMatch(/_interp-z-4f\.webm$/);
      expect([...webm.bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML
      const size = await page.evaluate(
        async (data) => {
          const v = document.createElement('video');
          v.src = URL.createObjectURL(new Blob([new Uint8Array(data)], { type: 'video/webm' }));
          await new Promise((ok, fail) => {
            v.onloadedmetadata = ok;
            v.onerror = () => fail(new Error('the browser could not read the WebM'));
          });
          return [v.videoWidth, v.videoHeight];
        },
        [...webm.bytes],
      );
      expect(size).toEqual([R, R]);
    }
  });

  it('cancels a running interpolation', async () => {
    await page.fill('[data-testid=interp-steps]', '12');
    await page.click('[data-testid=interp-run]');
    await page.locator('[data-testid=interp-cancel]').click();
    await page.waitForSelector('[data-testid=interp-panel][data-status=idle]', { timeout: 30_000 });
    expect(await page.locator('[data-testid=interp-frame][data-ready=true]').count()).toBeLessThan(12);
    await waitNotice(page, /Interpolation cancelled/);
  });

  it('keeps a history across reloads: star, restore, delete', async () => {
    const items = page.locator('[data-testid=history-item]');
    expect(await items.count()).toBeGreaterThanOrEqual(2);
    const p = await browser.newPage();
    await p.goto(`${app.origin}/${search.replace('seed=7', 'seed=30')}`);
    await waitForSamples(p);
    const seeds = async () =>
      p.locator('[data-testid=history-item]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.seed));
    await p.waitForFunction(
      () => document.querySelector('[data-testid=history-item]')?.getAttribute('data-seed') === '30',
    );
    expect(await seeds()).toEqual(expect.arrayContaining(['7', '8', '30']));
    const eight = p.locator('[data-testid=history-item][data-seed="8"]');
    await eight.locator('[data-testid=history-star]').click();
    await p.waitForSelector('[data-testid=history-item][data-seed="8"][data-starred=true]');
    await afterChange(p, () => eight.locator('[data-testid=history-restore]').click());
    expect(await p.inputValue('[data-testid=seed]')).toBe('8');
    expect(maxAbsDiff(rgbOf(await pixels(p, 0)), decodePng(single.bytes).rgb)).toBe(0);
    const seven = p.locator('[data-testid=history-item][data-seed="7"]');
    await seven.locator('[data-testid=history-delete]').click();
    await seven.waitFor({ state: 'detached' });
    await p.reload();
    await waitForSamples(p);
    await p.waitForSelector('[data-testid=history-item][data-seed="8"][data-starred=true]');
    expect(await p.locator('[data-testid=history-item][data-seed="7"]').count()).toBe(0);
    await p.close();
  });

  it('logged no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
