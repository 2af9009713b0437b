/**
 * Directions, variations and crossbreeds in headless Chromium on the bundled default model, as a
 * person uses them: a slider changes the picture and its reset gives back the same pixels; an
 * exported PNG with an edit restores the same pixels and slider, and so does the address; a named direction survives a
 * reload; the variations grid fills and a click makes a child current; a crossbreed's history
 * entry links to both parents.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSampleRecord, PNG_TEXT_KEY } from '../../src/core/export/sample_record';
import { startAppServer, type AppServer } from './helpers/app_server';
import { chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { decodePng, download, dropFile, rgbOf, waitNotice } from './helpers/files';
import { afterChange, maxAbsDiff, pixels, waitForSamples } from './helpers/page_tools';

const SLIDER = '[data-testid=direction-slider]';

async function directionsReady(page: Page, range?: string): Promise<void> {
  await page.waitForFunction(
    (range) => {
      const d = document.querySelector('[data-testid=directions]') as HTMLElement | null;
      return d?.dataset.status === 'ready' && (range === null || d.dataset.range === range);
    },
    range ?? null,
    { timeout: 60_000 },
  );
}

async function variationPixels(page: Page, index: number): Promise<number[]> {
  return page.$$eval(
    '[data-testid=variation]',
    (canvases, index) => {
      const c = canvases[index] as HTMLCanvasElement;
      return [...c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data];
    },
    index,
  );
}

describe.skipIf(!chromiumAvailable())('directions, variations and crossbreed', () => {
  let app: AppServer;
  let browser: TestBrowser;
  let page: Page;
  let original: number[];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer(), launchBrowser()]);
    page = await browser.newPage();
    await page.goto(`${app.origin}/?batch=1&seed=5&class=3&backend=wasm`);
    await waitForSamples(page);
    await directionsReady(page, '0');
    original = await pixels(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists ten directions; a slider changes the image and its reset gives back the same pixels', async () => {
    expect(await page.locator(SLIDER).count()).toBe(10);
    await afterChange(page, () => page.locator(SLIDER).nth(0).fill('2.5'));
    const moved = await pixels(page);
    expect(maxAbsDiff(moved, original)).toBeGreaterThan(20);
    await afterChange(page, () => page.locator(SLIDER).nth(0).fill('-2.5'));
    expect(maxAbsDiff(await pixels(page), moved)).toBeGreaterThan(20);
    await afterChange(page, () => page.locator('[data-testid=direction-reset]').nth(0).click());
    expect(maxAbsDiff(await pixels(page), original)).toBe(0);
  });

  it('offers "blocks 0-2" and all slots as ranges', async () => {
    await page.selectOption('[data-testid=direction-range]', { label: 'blocks 0-2' });
    await directionsReady(page, '1-3');
    await afterChange(page, () => page.locator(SLIDER).nth(1).fill('3'));
    expect(maxAbsDiff(await pixels(page), original)).toBeGreaterThan(0);
    await afterChange(page, () => page.locator('[data-testid=directions-reset-all]').click());
    expect(maxAbsDiff(await pixels(page), original)).toBe(0);
    await page.selectOption('[data-testid=direction-range]', 'all');
    await directionsReady(page, 'all');
    await page.selectOption('[data-testid=direction-range]', '0');
    await directionsReady(page, '0');
  });

  it('an exported PNG with an edit restores the same pixels and the slider', async () => {
    await page.selectOption('[data-testid=export-scale]', '1');
    await afterChange(page, () => page.locator(SLIDER).nth(2).fill('-1.8'));
    const edited = await pixels(page);
    const saved = await download(page, '[data-testid=export-png]');
    const png = decodePng(saved.bytes);
    expect(maxAbsDiff(png.rgb, rgbOf(edited))).toBe(0);
    const record = parseSampleRecord(png.text[PNG_TEXT_KEY]);
    expect(record.edits?.map((e) => [e.slots, e.index, e.amount])).toEqual([[[0], 2, -1.8]]);
    const other = await browser.newPage();
    await other.goto(`${app.origin}/?batch=1&seed=99&backend=wasm`);
    await waitForSamples(other);
    await afterChange(other, () => dropFile(other, saved.name, saved.bytes));
    expect(maxAbsDiff(await pixels(other), edited)).toBe(0);
    await directionsReady(other, '0');
    expect(await other.locator('[data-testid=direction]').nth(2).getAttribute('data-amount')).toBe('-1.8');
    await other.close();
    // The address carries the edit by range and rank; opening it computes the direction and applies it.
    expect(new URL(page.url()).searchParams.get('dir')).toBe('0/2:-1.8');
    const linked = await browser.newPage();
    await linked.goto(page.url());
    await linked.waitForFunction(
      () =>
        document
          .querySelector('[data-testid=direction] + [data-testid=direction] + [data-testid=direction]')
          ?.getAttribute('data-amount') === '-1.8',
      null,
      { timeout: 60_000 },
    );
    await waitForSamples(linked);
    await linked.waitForFunction(() => !document.querySelector('[data-testid=sample-canvas][data-ready=false]'));
    expect(maxAbsDiff(await pixels(linked), edited)).toBe(0);
    await linked.close();
    await afterChange(page, () => page.locator('[data-testid=directions-reset-all]').click());
  });

  it('keeps a direction name with the model across a reload', async () => {
    const name = page.locator('[data-testid=direction] input[type=text]').nth(0);
    await name.fill('sleeve length');
    await name.blur();
    await page.waitForTimeout(300);
    const again = await browser.newPage();
    await again.goto(`${app.origin}/?batch=1&seed=5&class=3&backend=wasm`);
    await directionsReady(again, '0');
    await again.waitForFunction(
      () =>
        (document.querySelector('[data-testid=direction] input[type=text]') as HTMLInputElement | null)?.value ===
        'sleeve length',
      null,
      { timeout: 20_000 },
    );
    expect(await again.getAttribute(`${SLIDER} >> nth=0`, 'aria-label')).toBe('sleeve length amount');
    await again.close();
  });

  it('exports directions as JSON and imports them; a broken file only gets a message', async () => {
    const saved = await download(page, '[data-testid=directions-export]');
    const file = JSON.parse(new TextDecoder().decode(saved.bytes));
    expect(file.directions).toHaveLength(10);
    expect(file.directions[0]).toMatchObject({ slots: [0], index: 0, name: 'sleeve length' });
    const other = await browser.newPage();
    await other.goto(`${app.origin}/?batch=1&seed=5&class=3&backend=wasm`);
    await directionsReady(other, '0');
    const input = other.locator('[data-testid=directions-file]');
    await input.setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "something else"'),
    });
    await waitNotice(
      other,
      /broken\.json: This is not a directions file we can use: its JSON does not parse\. Nothing was changed\./,
    );
    await input.setInputFiles({
      name: 'wrong.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...file, directions: [{ ...file.directions[0], vector: [1, 2] }] })),
    });
    await waitNotice(other, /wrong\.json: .*has 2 values; this model's slots have \d+/);
    expect(await other.locator(SLIDER).count()).toBe(10);
    // Renamed and moved to the range of all slots, so it is an extra slider here.
    const mine = { ...file, directions: [{ ...file.directions[1], slots: [0, 1, 2, 3], name: 'imported one' }] };
    await input.setInputFiles({
      name: 'mine.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(mine)),
    });
    await waitNotice(other, /Imported 1 direction from mine\.json/);
    expect(await other.locator(SLIDER).count()).toBe(11);
    await other.close();
  });

  it('fills the variations grid; a click makes a child current; its history entry links to the parent', async () => {
    await page.click('[data-testid=make-variations]');
    await page.waitForFunction(
      () => {
        const v = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid=variation]')];
        return v.length >= 8 && v.length <= 12 && v.every((c) => c.dataset.ready === 'true');
      },
      null,
      { timeout: 60_000 },
    );
    const children = await page.locator('[data-testid=variation]').count();
    const grid = await Promise.all(Array.from({ length: children }, (_, i) => variationPixels(page, i)));
    expect(new Set(grid.map((g) => g.join(','))).size).toBe(children);
    for (const g of grid) expect(maxAbsDiff(g, original)).toBeGreaterThan(0);
    await afterChange(page, () => page.locator('[data-testid=variation]').nth(3).click());
    expect(maxAbsDiff(await pixels(page), grid[3])).toBe(0);
    const entry = page.locator('[data-testid=history-item]').first().locator('[data-testid=history-lineage]');
    await entry.waitFor({ timeout: 20_000 });
    expect(await entry.getAttribute('data-kind')).toBe('variation');
    await afterChange(page, () => entry.locator('[data-testid=history-parent]').click());
    expect(maxAbsDiff(await pixels(page), original)).toBe(0);
  });

  it('crossbreeds two grid children; the child names both parents and the history links to each', async () => {
    await page.click('[data-testid=make-variations]');
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLCanvasElement>('[data-testid=variation]')].every(
          (c) => c.dataset.ready === 'true',
        ),
      null,
      { timeout: 60_000 },
    );
    const a = await variationPixels(page, 0);
    const b = await variationPixels(page, 1);
    // Each parent is looked at first, long enough for the history to keep it, then picked.
    const kept = async (n: number) =>
      page.waitForFunction((n) => document.querySelectorAll('[data-testid=history-item]').length >= n, n, {
        timeout: 20_000,
      });
    const before = await page.locator('[data-testid=history-item]').count();
    await afterChange(page, () => page.locator('[data-testid=variation]').nth(0).click());
    await kept(before + 1);
    await page.locator('[data-testid=cross-a] button').click();
    await afterChange(page, () => page.locator('[data-testid=variation]').nth(1).click());
    await kept(before + 2);
    await page.locator('[data-testid=cross-b] button').click();
    // Slot 0 from B, the rest from A (set per slot).
    await page.locator('[data-testid=cross-pick-slot]').nth(0).click();
    await afterChange(page, () => page.click('[data-testid=crossbreed]'));
    await kept(before + 3);
    const child = await pixels(page);
    expect(maxAbsDiff(child, a)).toBeGreaterThan(0);
    expect(maxAbsDiff(child, b)).toBeGreaterThan(0);
    const saved = await download(page, '[data-testid=export-png]');
    const record = parseSampleRecord(decodePng(saved.bytes).text[PNG_TEXT_KEY]);
    expect(record.crossbreed?.parents).toHaveLength(2);
    expect(record.crossbreed?.pick).toBe('baaa');
    const lineage = page.locator('[data-testid=history-item]').first().locator('[data-testid=history-lineage]');
    await lineage.waitFor({ timeout: 20_000 });
    expect(await lineage.getAttribute('data-kind')).toBe('crossbreed');
    const parents = lineage.locator('[data-testid=history-parent]');
    expect(await parents.count()).toBe(2);
    await afterChange(page, () => parents.nth(1).click());
    expect(maxAbsDiff(await pixels(page), b)).toBe(0);
    // The crossbreed's PNG dropped back gives the child again.
    await afterChange(page, () => dropFile(page, saved.name, saved.bytes));
    expect(maxAbsDiff(await pixels(page), child)).toBe(0);
  });
});
