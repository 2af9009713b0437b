/**
 * Page timings for the README, on the production build (`vite build` served by `vite preview`):
 * time from opening the page to the first drawn sample, cold (fresh browser profile) and cached
 * (a reload), and the median time per sample on each backend. Not part of the test suite:
 *   npx tsx tests/browser/measure_page.ts [extra query, e.g. "model=<url>"] [samples per backend]
 */
import { launchBrowser } from './helpers/browser';
import { afterChange, waitForSamples } from './helpers/page_tools';
import { startPreviewServer } from './helpers/preview_server';

const [extra = '', runsArg = '5'] = process.argv.slice(2);
const runs = Number(runsArg);
const server = await startPreviewServer(4317);
const origin = server.origin;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await launchBrowser();
try {
  for (const backend of ['wasm', 'webgl', 'webgpu']) {
    const page = await browser.newPage();
    const url = `${origin}/?backend=${backend}&batch=1&seed=1${extra ? `&${extra}` : ''}`;
    let t = performance.now();
    await page.goto(url);
    await waitForSamples(page, 0, 600_000);
    const first = performance.now() - t;
    t = performance.now();
    await page.reload();
    await waitForSamples(page, 0, 600_000);
    const cached = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      await afterChange(page, () => page.fill('[data-testid=seed]', String(100 + i)));
      const text = (await page.textContent('[data-testid=sample-time]')) ?? '';
      const m = /([\d.]+)\s*(ms|s)/.exec(text);
      if (m) times.push(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
    }
    const used = (await page.textContent('[data-testid=backend]'))?.trim();
    console.log(
      `${backend.padEnd(7)} (in use: ${used}): first sample ${(first / 1000).toFixed(2)} s ` +
        `(${backend === 'wasm' ? 'cold profile' : 'browser cache warm'}), after reload ${(cached / 1000).toFixed(2)} s, ` +
        `median ${median(times).toFixed(0)} ms per sample over ${times.length}`,
    );
    await page.close();
  }
  if (browser.errors.length) console.warn(browser.errors.join('\n'));
} finally {
  await browser.close();
  await server.close();
}
