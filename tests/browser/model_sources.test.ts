/**
 * Where models come from, in headless Chromium against a local Hub (helpers/hub_server): the
 * catalog's mirror probe and its per-entry status, files the page cannot fetch (drop instead),
 * `hf:` references from the address and the panel, Hub search, download progress with speed and
 * ETA, resume after a cut, cancel, every failure named (404, no CORS, an HTML page, offline, a full
 * quota), and a shared link whose model fails: reason, Retry, the link's settings kept.
 * The Hub address is the page's setting, pointed at the local Hub; Amazon S3 is refused.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/fixtures';
import { startAppServer, type AppServer } from './helpers/app_server';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, launchBrowser, type TestBrowser } from './helpers/browser';
import { waitNotice } from './helpers/files';
import { startHubServer, type HubRepoSpec, type HubServer } from './helpers/hub_server';
import { query, waitForSamples } from './helpers/page_tools';

const checkpoint = new Uint8Array(readFileSync(fixturePath('biggan-deep', 'pytorch_model.zip.bin')));
const config = new Uint8Array(readFileSync(fixturePath('biggan-deep', 'config.json')));
const deepRepo = (extra: Partial<HubRepoSpec['files'][string]> = {}, cors?: HubRepoSpec['cors']): HubRepoSpec => ({
  files: {
    'pytorch_model.bin': { bytes: checkpoint, ...extra },
    'config.json': { bytes: config },
    'README.md': { bytes: new TextEncoder().encode('# BigGAN') },
  },
  ...(cors ? { cors } : {}),
});

describe.skipIf(!chromiumAvailable())('model sources', () => {
  let app: AppServer;
  let hub: HubServer;
  let browser: TestBrowser;
  const repos: Record<string, HubRepoSpec> = {
    // The catalog's BigGAN-deep-128 mirror, served by the local Hub with the fixture's weights.
    'osanseviero/BigGAN-deep-128': deepRepo(),
    'someone/BigGAN-deep-fixture': deepRepo({ cutAfter: 5_000_000, trickle: { bytes: 128 * 1024, ms: 60 } }),
    'someone/biggan-slow': deepRepo({ trickle: { bytes: 64 * 1024, ms: 100 } }),
    'someone/biggan-login': deepRepo({ html: true }),
    'someone/biggan-gone': deepRepo({ missing: true }),
    'someone/biggan-quota': deepRepo(),
    'nocors/biggan-deep': deepRepo({}, 'none'),
    'corp/biggan-deep': deepRepo({}, 'corp'),
    'someone/bert-base': { files: { 'tf_model.h5': { bytes: new Uint8Array(16) } } },
  };

  beforeAll(async () => {
    [app, hub, browser] = await Promise.all([startAppServer(), startHubServer(repos), launchBrowser()]);
    await browser.context.addInitScript((origin) => localStorage.setItem('biggan-explorer.hub', origin), hub.origin);
    // The catalog's second mirror: refused here, as an unreachable host would be.
    await browser.context.route('https://s3.amazonaws.com/**', (r) => r.abort('connectionrefused'));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), hub?.close()]);
  });

  const open = async (search = ''): Promise<Page> => {
    const p = await browser.newPage();
    await p.goto(`${app.origin}/${search}`);
    await waitForSamples(p);
    return p;
  };
  const status = (p: Page) => p.textContent('[data-testid=model-status]');
  const openHubPanel = (p: Page) => p.click('[data-testid=hub-panel] summary');

  it('probes each mirror with one byte before downloading, shows what each said, and loads from the first that answers', async () => {
    const p = await open();
    const before = hub.requests.length;
    await p.selectOption('[data-testid=model-select]', 'biggan-deep-128');
    const rows = p.locator('[data-testid=model-source] [data-testid=mirror-status]');
    await expect.poll(async () => rows.first().getAttribute('data-state'), { timeout: 20_000 }).toBe('available');
    expect(await rows.first().textContent()).toMatch(/Hugging Face: osanseviero\/BigGAN-deep-128.*available \(13 MB\)/);
    await expect.poll(async () => rows.nth(1).getAttribute('data-state'), { timeout: 20_000 }).toBe('unreachable');
    expect(await rows.nth(1).textContent()).toMatch(/unverified.*not reachable from this browser/);
    await expect.poll(() => status(p), { timeout: 90_000 }).toMatch(/BigGAN-deep 128px · ImageNet · BigGAN-deep/);
    await waitForSamples(p);
    // The probe (bytes=0-0, through the redirect) came before the one full download.
    const storage = hub.requests
      .slice(before)
      .filter((r) => r.origin === 'storage' && r.path.endsWith('osanseviero/BigGAN-deep-128/pytorch_model.bin'));
    expect(storage[0].range).toBe('bytes=0-0');
    expect(storage.filter((r) => !r.range && r.method === 'GET')).toHaveLength(1);
    expect(query(p).get('model')).toBe('biggan-deep-128');
    // Kept for offline use: the entry now says so.
    await p.locator('[data-testid=mirror-status][data-state=cached]').waitFor({ timeout: 30_000 });
    await p.close();
  });

  it('explains where to get a file the page cannot fetch, with "drop the file instead" one click away', async () => {
    const p = await open();
    await p.selectOption('[data-testid=model-select]', 'biggan-256');
    const card = p.locator('[data-testid=model-source]');
    await card.waitFor();
    expect(await card.locator('[data-testid=manual-file]').textContent()).toBe('biggan256-release.pt');
    expect(await card.locator('[data-testid=manual-page]').getAttribute('href')).toBe(
      'https://github.com/ivclab/BigGAN-Generator-Pretrained-Pytorch/releases/tag/v0.0.0',
    );
    expect(await card.textContent()).toMatch(/no CORS header/);
    await p.selectOption('[data-testid=model-select]', 'biggan-pytorch-128');
    expect(await card.locator('[data-testid=manual-file]').textContent()).toBe('G_ema.pth');
    const [chooser] = await Promise.all([
      p.waitForEvent('filechooser', { timeout: 10_000 }),
      card.locator('[data-testid=drop-instead]').click(),
    ]);
    expect(chooser.isMultiple()).toBe(true);
    // Nothing was downloaded; the bundled model still draws.
    expect(await status(p)).toMatch(/Fashion-MNIST/);
    await p.close();
  });

  it('tells apart what a 1-byte probe can see: a size, a 404, an HTML page, no CORS, no answer', async () => {
    const p = await open();
    // The page's own module, from the dev server (a string, so that vitest leaves the import alone).
    const probe = (url: string) =>
      p.evaluate(`import('/src/worker/probe.ts').then((m) => m.probeUrl(${JSON.stringify(url)}))`);
    const file = (repo: string) => `${hub.origin}/${repo}/resolve/main/pytorch_model.bin`;
    expect(await probe(file('osanseviero/BigGAN-deep-128'))).toEqual({ state: 'available', bytes: checkpoint.length });
    expect(await probe(file('someone/biggan-gone'))).toMatchObject({
      state: 'unreachable',
      reason: 'http',
      status: 404,
    });
    expect(await probe(file('someone/biggan-login'))).toMatchObject({ state: 'unreachable', reason: 'html' });
    expect(await probe(file('corp/biggan-deep'))).toMatchObject({ state: 'unreachable', reason: 'no-cors' });
    expect(await probe(file('nocors/biggan-deep'))).toMatchObject({ state: 'unreachable', reason: 'network' });
    await p.close();
  });

  it('opens an hf: link, with bytes, speed and ETA on screen, resuming after the connection drops', async () => {
    const p = await browser.newPage();
    await p.goto(`${app.origin}/?model=hf:someone/BigGAN-deep-fixture&seed=3&batch=1`);
    // Every progress line shown, read as a person would see them while the download runs.
    const seen = new Set<string>();
    const read = () => p.evaluate(() => document.querySelector('[data-testid=download-progress]')?.textContent ?? '');
    await expect
      .poll(
        async () => {
          const text = await read();
          if (text) seen.add(text);
          return [...seen].some((t) => /resumed after 1 dropped connection/.test(t)) ? 'resumed' : text;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBe('resumed');
    expect(
      [...seen].some((t) => /^Downloading [\d.]+ MB of 13 MB \(\d+%\) · [\d.]+ (KB|MB)\/s · about \d+ s left/.test(t)),
      [...seen].join('\n'),
    ).toBe(true);
    await waitForSamples(p);
    expect(await status(p)).toMatch(/hf:someone\/BigGAN-deep-fixture · BigGAN-deep/);
    expect(query(p).get('model')).toBe('hf:someone/BigGAN-deep-fixture');
    expect(query(p).get('seed')).toBe('3');
    const resumed = hub.requests.filter(
      (r) =>
        r.origin === 'storage' &&
        r.path === '/someone/BigGAN-deep-fixture/pytorch_model.bin' &&
        r.range &&
        r.range !== 'bytes=0-0',
    );
    expect(resumed).toHaveLength(1);
    // Resumed where its bytes ended: past 0, not past the cut (a reset drops what was still in flight).
    const from = Number(/bytes=(\d+)-$/.exec(resumed[0].range!)![1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(5_000_000);
    await p.close();
  });

  it('searches the Hub, lists only repositories with a checkpoint we read, and loads the one picked', async () => {
    const p = await open();
    await openHubPanel(p);
    await p.fill('[data-testid=hub-search]', 'biggan');
    await p.press('[data-testid=hub-search]', 'Enter');
    const results = p.locator('[data-testid=hub-result]');
    await results.first().waitFor({ timeout: 20_000 });
    const repos = await results.evaluateAll((els) => els.map((e) => e.getAttribute('data-repo')));
    expect(repos).toContain('someone/biggan-quota');
    expect(repos).toContain('osanseviero/BigGAN-deep-128');
    expect(repos).not.toContain('someone/bert-base');
    await p.fill('[data-testid=hub-search]', 'bert');
    await p.press('[data-testid=hub-search]', 'Enter');
    await p.locator('[data-testid=hub-no-results]').waitFor({ timeout: 20_000 });
    await p.fill('[data-testid=hub-search]', 'biggan');
    await p.press('[data-testid=hub-search]', 'Enter');
    await p.locator('[data-testid=hub-result][data-repo="osanseviero/BigGAN-deep-128"]').click();
    await expect.poll(() => status(p), { timeout: 90_000 }).toMatch(/hf:osanseviero\/BigGAN-deep-128 · BigGAN-deep/);
    await waitForSamples(p);
    expect(query(p).get('model')).toBe('hf:osanseviero/BigGAN-deep-128');
    await p.close();
  });

  it('cancels a slow download and keeps the current model', async () => {
    const p = await open();
    await openHubPanel(p);
    await p.fill('[data-testid=hub-ref]', 'hf:someone/biggan-slow');
    await p.click('[data-testid=hub-open]');
    await p.locator('[data-testid=download-progress]').waitFor({ timeout: 30_000 });
    await p.click('[data-testid=cancel-load]');
    await waitNotice(p, /Loading hf:someone\/biggan-slow.* was cancelled/);
    await expect.poll(async () => p.locator('[data-testid=load-progress]').count()).toBe(0);
    expect(await status(p)).toMatch(/Fashion-MNIST/);
    expect(await p.locator('[data-testid=load-error]').count()).toBe(0);
    await p.close();
  });

  it('names each failure: 404, no CORS, an HTML page, a missing repository, offline', async () => {
    const p = await open();
    await openHubPanel(p);
    const error = p.locator('[data-testid=load-error]');
    const tryRef = async (ref: string, expected: RegExp) => {
      await p.fill('[data-testid=hub-ref]', ref);
      await p.click('[data-testid=hub-open]');
      await expect
        .poll(async () => ((await error.count()) ? error.textContent() : ''), { timeout: 30_000 })
        .toMatch(expected);
    };
    await tryRef('hf:someone/biggan-gone', /HTTP 404.*no file at this address/);
    await tryRef('hf:nocors/biggan-deep', /not reachable from this browser.*no CORS header.*drop it on the page/);
    await tryRef('hf:someone/biggan-login', /sent a web page \(HTML\) instead of the file/);
    await tryRef('hf:nobody/missing', /no public repository hf:nobody\/missing \(HTTP 401\)/);
    expect(await error.textContent()).toMatch(/The previous model is still in use/);
    await p.context().setOffline(true);
    try {
      await tryRef('hf:someone/biggan-gone', /You are offline/);
    } finally {
      await p.context().setOffline(false);
    }
    expect(await status(p)).toMatch(/Fashion-MNIST/);
    await p.close();
  });

  it('keeps a shared link whose model fails: its address, the reason, Retry, and its other settings', async () => {
    const p = await browser.newPage();
    const link = '?model=hf:later/BigGAN-deep&truncation=0.3&seed=11&batch=2';
    await p.goto(`${app.origin}/${link}`);
    const failure = p.locator('[data-testid=link-failure]');
    await failure.waitFor({ timeout: 60_000 });
    await waitForSamples(p);
    expect(await failure.textContent()).toMatch(
      /hf:later\/BigGAN-deep.*could not be loaded: The Hub has no public repository hf:later\/BigGAN-deep \(HTTP 401\)/,
    );
    expect(await failure.textContent()).toMatch(/The default model is shown meanwhile/);
    expect(await status(p)).toMatch(/Fashion-MNIST/);
    expect(await p.inputValue('[data-testid=seed]')).toBe('11');
    expect(await p.inputValue('[data-testid=truncation]')).toBe('0.3');
    expect(await p.locator('[data-testid=sample-canvas]').count()).toBe(2);
    expect(query(p).get('model')).toBe('hf:later/BigGAN-deep');
    // The repository appears; Retry loads it and keeps the link's settings.
    repos['later/BigGAN-deep'] = deepRepo();
    await p.click('[data-testid=retry-model]');
    await expect.poll(() => status(p), { timeout: 90_000 }).toMatch(/hf:later\/BigGAN-deep · BigGAN-deep/);
    await waitForSamples(p);
    expect(await failure.count()).toBe(0);
    expect(query(p).get('model')).toBe('hf:later/BigGAN-deep');
    expect(query(p).get('seed')).toBe('11');
    expect(query(p).get('truncation')).toBe('0.3');
    await p.close();
  });

  it('runs a model whose offline copy does not fit the quota, and says it was not kept', async () => {
    // Chromium applies a quota override to a fresh (not persistent) profile only: a browser of its own.
    const own = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const context = await own.newContext();
      await context.addInitScript((origin) => localStorage.setItem('biggan-explorer.hub', origin), hub.origin);
      const p = await context.newPage();
      // Before the page opens its database: an override comes too late for a database already open.
      const cdp = await context.newCDPSession(p);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.origin, quotaSize: 1_000_000 });
      await p.goto(`${app.origin}/`);
      await waitForSamples(p);
      await openHubPanel(p);
      await p.fill('[data-testid=hub-ref]', 'hf:someone/biggan-quota');
      await p.click('[data-testid=hub-open]');
      const text = await waitNotice(p, /could not be kept for offline use/);
      expect(text).toMatch(/storage for the page is full \(quota exceeded\)/);
      expect(text).toMatch(/It runs now, uncached/);
      await expect.poll(() => status(p), { timeout: 90_000 }).toMatch(/hf:someone\/biggan-quota · BigGAN-deep/);
      await waitForSamples(p);
      expect(await p.locator('[data-testid=cached-model]').count()).toBe(0);
    } finally {
      await own.close();
    }
  });
});
