/**
 * The page as a newcomer meets it: on a 390 x 844 phone in dark mode (Chromium device emulation)
 * and on a desktop, over the bundled model. One plain Chromium for the file; WASM draws.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSampleRecord, PNG_TEXT_KEY } from '../../src/core/export/sample_record';
import { startAppServer, type AppServer } from './helpers/app_server';
import { chromiumAvailable } from './helpers/browser';
import { decodePng, download } from './helpers/files';
import { generation, pixels, waitForSamples } from './helpers/page_tools';
import { writeFixtureModel } from './helpers/models';
import { launchPlain, PHONE, phoneContext } from './helpers/phone';
import { startStaticServer, type StaticServer } from './helpers/static_server';

describe.skipIf(!chromiumAvailable())('the page for a newcomer', () => {
  let app: AppServer;
  let browser: Browser;
  let phone: BrowserContext;
  let desktop: BrowserContext;
  /** The bundled model on a desktop, shared by the tests below in order. */
  let page: Page;
  let errors: string[];
  let files: StaticServer;
  let modelDir: string;

  const watch = (page: Page) => {
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  };

  beforeAll(async () => {
    errors = [];
    modelDir = mkdtempSync(join(tmpdir(), 'biggan-newcomer-'));
    await writeFixtureModel('biggan', join(modelDir, 'biggan'));
    [app, browser, files] = await Promise.all([
      startAppServer(),
      launchPlain(),
      startStaticServer({ '/models': modelDir }),
    ]);
    phone = await phoneContext(browser, 'dark');
    desktop = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      colorScheme: 'light',
      acceptDownloads: true,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), files?.close()]);
    if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  });

  it('shows the current sample above the fold on a phone, with the backend picker whole and 40 px targets', async () => {
    const page = watch(await phone.newPage());
    await page.goto(`${app.origin}/`);
    await waitForSamples(page);
    const box = (await page.locator('[data-testid=sample-canvas]').first().boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(box.width).toBeGreaterThan(100);

    const layout = await page.evaluate(() => {
      const select = document.querySelector<HTMLSelectElement>('#backend-select')!;
      const style = getComputedStyle(select);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = ctx.measureText(select.selectedOptions[0].textContent!).width;
      const inner = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const header = document.querySelector('.topbar')!.getBoundingClientRect();
      const parts = [...document.querySelectorAll('.topbar > *, .backend > *')].map((e) => e.getBoundingClientRect());
      const small = [
        ...document.querySelectorAll<HTMLElement>('button, select, input, summary, .segmented label, label.check'),
      ]
        .filter((e) => {
          const r = e.getBoundingClientRect();
          const hidden =
            r.width === 0 ||
            getComputedStyle(e).visibility === 'hidden' ||
            (e.closest('.segmented') !== null && e.tagName === 'INPUT');
          const inLabel = e.tagName === 'INPUT' && ['checkbox', 'file', 'radio'].includes((e as HTMLInputElement).type);
          return !hidden && !inLabel && (r.height < 40 || r.width < 40);
        })
        .map(
          (e) =>
            `${e.tagName.toLowerCase()}[${e.getAttribute('type') ?? ''}] "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 30)}" ${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)}`,
        );
      return {
        textFits: text <= inner,
        headerInside: parts.every((r) => r.right <= header.right + 0.5 && r.left >= header.left - 0.5),
        pageWidth: document.scrollingElement!.scrollWidth,
        small,
      };
    });
    expect(layout.textFits).toBe(true);
    expect(layout.headerInside).toBe(true);
    expect(layout.pageWidth).toBeLessThanOrEqual(PHONE.width);
    expect(layout.small).toEqual([]);
    await page.close();
  });

  it('draws the bundled Fashion-MNIST model in grey: R = G = B in every pixel', async () => {
    page = watch(await desktop.newPage());
    await page.goto(`${app.origin}/?backend=wasm&seed=3`);
    await waitForSamples(page);
    for (let i = 0; i < 4; i++) {
      const px = await pixels(page, i);
      let coloured = 0;
      for (let p = 0; p < px.length; p += 4) if (px[p] !== px[p + 1] || px[p + 1] !== px[p + 2]) coloured++;
      expect(coloured).toBe(0);
      expect(new Set(px).size).toBeGreaterThan(20);
    }
  });

  it('exports a 32 px model at 256 px by default', async () => {
    expect(await page.inputValue('[data-testid=export-scale]')).toBe('8');
    const png = decodePng((await download(page, '[data-testid=export-png]')).bytes);
    expect([png.width, png.height]).toEqual([256, 256]);
  });

  it('says what this is: an intro with the paper and the sources, dismissed for good, back from "About"', async () => {
    const intro = page.locator('[data-testid=intro]');
    await intro.waitFor();
    expect(await intro.textContent()).toMatch(/BigGAN.*generative adversarial network/s);
    const links = await intro.locator('a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toContain('https://arxiv.org/abs/1809.11096');
    expect(links.some((l) => l.includes('huggingface.co'))).toBe(true);
    expect(links.some((l) => l.includes('BigGAN-PyTorch'))).toBe(true);
    for (const control of ['Model', 'Class', 'Truncation', 'Seed', 'Latent chunks'])
      expect(await intro.locator('dt', { hasText: control }).count()).toBe(1);
    await page.click('[data-testid=intro-dismiss]');
    await intro.waitFor({ state: 'detached' });
    await page.reload();
    await waitForSamples(page);
    expect(await intro.count()).toBe(0);
    await page.click('[data-testid=intro-open]');
    await intro.waitFor();
    await page.click('[data-testid=intro-dismiss]');
  });

  it('explains the truncation modes, latent chunks and strength in plain words', async () => {
    const help = page.locator('[data-testid=mode-help]');
    expect(await help.textContent()).toMatch(/multiplied by t/);
    await page.locator('label', { hasText: 'Redraw |z| > t' }).click();
    expect(await help.textContent()).toMatch(/drawn again/);
    await page.locator('label', { hasText: 'Scale z by t' }).click();
    expect(await page.textContent('[data-testid=chunk-help]')).toMatch(
      /BigGAN cuts z into chunks.*each other one conditions one block/s,
    );
    expect(await page.locator('.chunk-head', { hasText: 'strength' }).isVisible()).toBe(true);
    // The truncation value is no live region: a drag must not announce every step.
    expect(await page.locator('#truncation-title').locator('xpath=../..').locator('output, [aria-live]').count()).toBe(
      0,
    );
  });

  it('marks a resampled chunk as pinned to its own seed', async () => {
    const chunk = page.locator('[data-testid=chunk][data-slot="2"]');
    expect(await chunk.locator('[data-testid=chunk-pin]').count()).toBe(0);
    await chunk.locator('[data-testid=chunk-resample]').click();
    const pin = chunk.locator('[data-testid=chunk-pin]');
    await pin.waitFor();
    expect(await pin.textContent()).toMatch(new RegExp(`pinned · seed ${await chunk.getAttribute('data-seed')}`));
    await page.click('[data-testid=resample-unlocked]');
    await pin.waitFor({ state: 'detached' });
  });

  it('shows the truncation trade: the sample at 8 truncations, the spread falling with t; a cell sets t; one PNG with its record', async () => {
    const cells = page.locator('[data-testid=truncation-strip] canvas');
    await page.waitForFunction(
      () => {
        const cs = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid=truncation-strip] canvas')];
        const plot = document.querySelector<SVGElement>('[data-testid=diversity-plot]');
        return (
          cs.length === 8 &&
          cs.every((c) => c.dataset.ready === 'true') &&
          plot !== null &&
          !plot.dataset.values!.split(',').includes('')
        );
      },
      undefined,
      { timeout: 90_000 },
    );
    const ts = await cells.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.truncation));
    expect(ts).toEqual(['0.10', '0.20', '0.30', '0.40', '0.50', '0.60', '0.80', '1.00']);
    const spread = (await page.getAttribute('[data-testid=diversity-plot]', 'data-values'))!.split(',').map(Number);
    expect(spread[7]).toBeGreaterThan(2 * spread[0]);
    const low = await cells
      .nth(0)
      .evaluate((c) => [...(c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 32, 32).data]);
    const high = await cells
      .nth(7)
      .evaluate((c) => [...(c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 32, 32).data]);
    expect(low.some((v, i) => v !== high[i])).toBe(true);

    const before = await generation(page);
    await page.locator('[data-testid=truncation-strip] button', { hasText: '0.40' }).click();
    await waitForSamples(page, before);
    expect(await page.inputValue('[data-testid=truncation]')).toBe('0.4');
    expect(new URL(page.url()).searchParams.get('truncation')).toBe('0.4');
    // The strip stays: same seed, class and mode.
    expect(await page.locator('[data-testid=truncation-strip] canvas[data-ready=true]').count()).toBe(8);

    await page.locator('[data-testid=strip-export]:not([disabled])').waitFor();
    const png = decodePng((await download(page, '[data-testid=strip-export]')).bytes);
    expect(png.width).toBe(8 * 256 + 7 * 2);
    expect(png.height).toBeGreaterThan(256);
    const record = parseSampleRecord(png.text[PNG_TEXT_KEY]);
    expect(record.truncation).toBe(0.4);
    expect(record.strip?.truncations).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1]);
    expect(record.strip?.spread.map((v) => v.toFixed(4))).toEqual(spread.map((v) => v.toFixed(4)));
  });

  it('records a state in the history only once it settles: one slider drag adds one entry, titled', async () => {
    const items = page.locator('[data-testid=history-item]');
    await page.waitForTimeout(1500);
    const before = await items.count();
    await page.locator('[data-testid=truncation]').scrollIntoViewIfNeeded();
    const slider = (await page.locator('[data-testid=truncation]').boundingBox())!;
    const y = slider.y + slider.height / 2;
    await page.mouse.move(slider.x + slider.width * 0.3, y);
    await page.mouse.down();
    for (let i = 1; i <= 16; i++) {
      await page.mouse.move(slider.x + slider.width * (0.3 + i * 0.03), y);
      await page.waitForTimeout(120);
    }
    await page.mouse.up();
    await waitForSamples(page);
    await page.waitForTimeout(2000);
    expect(await items.count()).toBe(before + 1);
    const t = Number(await page.inputValue('[data-testid=truncation]')).toFixed(2);
    const seed = await page.inputValue('[data-testid=seed]');
    const title = await items.first().locator('[data-testid=history-title]').textContent();
    expect(title).toMatch(new RegExp(`T-shirt/top.*t ${t} · seed ${seed}.*fashion-mnist-biggan-32`, 's'));
    expect(await items.first().locator('[data-testid=history-delete]').getAttribute('aria-label')).toBe(
      `Delete T-shirt/top, seed ${seed}`,
    );
  });

  /** Types a class name and picks its option, after the list has closed from the last pick. */
  const searchAndPick = async (name: string) => {
    await page.locator('[data-testid=class-option]').first().waitFor({ state: 'detached' });
    await page.fill('[data-testid=class-search]', name);
    await page.locator('[data-testid=class-option][aria-selected=true]', { hasText: name }).waitFor();
    await page.press('[data-testid=class-search]', 'Enter');
  };

  it('keeps a full blend of 4 when a fifth class is picked, and says so; weights stay as set', async () => {
    await page.check('[data-testid=blend-add]');
    for (const name of ['Trouser', 'Bag', 'Sneaker']) await searchAndPick(name);
    const blend = page.locator('[data-testid=blend-item]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=blend-item]').length === 4);
    const indices = await blend.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.index));
    await searchAndPick('Coat');
    expect(await page.locator('[data-testid=notice]', { hasText: /already has 4 classes.*kept/ }).count()).toBe(1);
    expect(await blend.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.index))).toEqual(indices);

    await page.locator('[aria-label="Weight of Trouser"]').fill('0.8');
    const trouser = page.locator('[data-testid=blend-item][data-index="1"]');
    expect(await trouser.getAttribute('data-weight')).toBe('0.8');
    expect(await trouser.textContent()).toMatch(/0\.80 \(21%\)/);
    expect(await page.locator('[data-testid=blend-item][data-index="0"]').getAttribute('data-weight')).toBe('1');
    expect(new URL(page.url()).searchParams.get('class')).toMatch(/1:0\.8/);
  });

  it('stacks notices tidily: the same message once, a "Dismiss all" for several', async () => {
    // The full-blend warning of the last test is still up; the same message twice stays one notice.
    for (let i = 0; i < 2; i++) await page.click('[data-testid=copy-link]');
    await page.locator('[data-testid=notice]', { hasText: /link/i }).first().waitFor();
    expect(await page.locator('[data-testid=notice]', { hasText: /link/i }).count()).toBe(1);
    expect(await page.locator('[data-testid=notice]').count()).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Dismiss all' }).click();
    expect(await page.locator('[data-testid=notice]').count()).toBe(0);
    await page.uncheck('[data-testid=blend-add]');
  });

  it('cancels a batch render when the backend is switched, and shows the backend that runs', async () => {
    await page.selectOption('[data-testid=batch]', '16');
    await page.selectOption('#backend-select', 'cpu');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=backend]')?.textContent === 'cpu',
      undefined,
      { timeout: 60_000 },
    );
    await waitForSamples(page, 0, 120_000);
    expect(await page.locator('[data-testid=sample-canvas][data-ready=true]').count()).toBe(16);
    await page.selectOption('#backend-select', 'wasm');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=backend]')?.textContent === 'wasm',
      undefined,
      { timeout: 60_000 },
    );
    await page.selectOption('[data-testid=batch]', '4');
    await waitForSamples(page);
  });

  it('copies a link that restores the view', async () => {
    await desktop.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
    await page.click('[data-testid=copy-link]');
    await page.locator('[data-testid=notice]', { hasText: 'Link copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(page.url());
    expect(new URL(copied).searchParams.get('seed')).toBe(await page.inputValue('[data-testid=seed]'));
  });

  it('enlarges the selected sample: large, downloadable, closed by Esc', async () => {
    await page.locator('[data-testid=sample-canvas]').nth(1).click();
    await page.click('[data-testid=enlarge]');
    const viewer = page.locator('[data-testid=sample-viewer]');
    await viewer.locator('[data-testid=viewer-canvas]').waitFor();
    const box = (await viewer.locator('[data-testid=viewer-canvas]').boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(500);
    expect(await viewer.textContent()).toContain(
      `seed ${await page.locator('[data-testid=sample-canvas]').nth(1).getAttribute('data-seed')}`,
    );
    const png = decodePng((await download(page, '[data-testid=viewer-download]')).bytes);
    expect(png.width).toBe(256);
    await page.keyboard.press('Escape');
    await viewer.locator('[data-testid=viewer-canvas]').waitFor({ state: 'detached' });
    expect(await viewer.isVisible()).toBe(false);
    await page.locator('[data-testid=sample-canvas]').nth(0).dblclick();
    await viewer.locator('[data-testid=viewer-canvas]').waitFor();
    await page.click('[data-testid=viewer-close]');
    await viewer.locator('[data-testid=viewer-canvas]').waitFor({ state: 'detached' });
  });

  it('animates a walk at the chosen fps, back and forth, at the size chosen beside the GIF button', async () => {
    await page.locator('[data-testid=sample-canvas]').nth(0).click();
    await page.click('[data-testid=interp-a]');
    await page.locator('[data-testid=sample-canvas]').nth(1).click();
    await page.click('[data-testid=interp-b]');
    await page.fill('[data-testid=interp-steps]', '6');
    await page.click('[data-testid=interp-run]');
    await page.waitForSelector('[data-testid=interp-panel][data-status=done]', { timeout: 60_000 });
    await page.fill('[data-testid=interp-fps]', '20');
    await page.check('[data-testid=interp-pingpong]');
    await page.selectOption('[data-testid=interp-scale]', '4');
    const gif = new GifReader(Buffer.from((await download(page, '[data-testid=interp-export-gif]')).bytes));
    expect([gif.numFrames(), gif.width]).toEqual([10, 128]);
    expect(gif.frameInfo(0).delay).toBe(5); // centiseconds: 20 fps
    expect(await page.inputValue('[data-testid=export-scale]')).toBe('4');
  });

  it('disables Interpolate, saying why, when A and B come from different models', async () => {
    const other = watch(await desktop.newPage());
    await other.goto(`${app.origin}/?model=${encodeURIComponent(`${files.origin}/models/biggan/model.json`)}&batch=1`);
    await waitForSamples(other);
    await other.click('[data-testid=interp-a]');
    const bundled = other.locator('[data-testid=history-item]', { hasText: 'fashion-mnist-biggan-32' }).first();
    await bundled.locator('[data-testid=history-b]').click();
    await other.locator('[data-testid=interp-end-b][data-set=true]').waitFor();
    expect(await other.isDisabled('[data-testid=interp-run]')).toBe(true);
    expect(await other.textContent('[data-testid=interp-reason]')).toMatch(
      /A comes from .* and B from 'fashion-mnist-biggan-32'.*one model/,
    );
    await other.close();
  });

  it('clears a load error once a model loads', async () => {
    const p = watch(await desktop.newPage());
    await p.goto(`${app.origin}/?batch=1`);
    await waitForSamples(p);
    await p.locator('summary', { hasText: 'Open from a URL or files' }).click();
    writeFileSync(join(modelDir, 'broken.pth'), new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    await p.setInputFiles('[data-testid=model-files]', join(modelDir, 'broken.pth'));
    await p.locator('[data-testid=load-error]').waitFor();
    const dir = join(modelDir, 'biggan');
    const before = await generation(p);
    await p.setInputFiles(
      '[data-testid=model-files]',
      readdirSync(dir).map((f) => join(dir, f)),
    );
    await waitForSamples(p, before);
    expect(await p.locator('[data-testid=load-error]').count()).toBe(0);
    await p.close();
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
