/**
 * Writes docs/interpolation.gif for the README, made by the app itself: opens the page on the
 * bundled model, takes sample A, changes class (and seed) for sample B, interpolates both z and
 * class, and saves the GIF the "GIF" button downloads (4x, nearest). Not part of the test suite:
 *   npx tsx tests/browser/make_readme_gif.ts [search] [class of B] [seed of B] [steps]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startAppServer } from './helpers/app_server';
import { launchBrowser } from './helpers/browser';
import { download } from './helpers/files';
import { afterChange, waitForSamples } from './helpers/page_tools';

const [search = '?batch=1&class=0&seed=3&truncation=0.7', classB = 'sneaker', seedB = '11', steps = '16'] =
  process.argv.slice(2);
const out = fileURLToPath(new URL('../../docs/interpolation.gif', import.meta.url));

const app = await startAppServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${app.origin}/${search}`);
  await waitForSamples(page, 0, 180_000);
  await page.click('[data-testid=interp-a]');
  await page.fill('[data-testid=class-search]', classB);
  const option = page.locator('[data-testid=class-option]').first();
  if (await option.isVisible({ timeout: 3000 }).catch(() => false)) await afterChange(page, () => option.click());
  else console.warn(`no class matches "${classB}": B keeps A's class`);
  await afterChange(page, () => page.fill('[data-testid=seed]', seedB));
  await page.click('[data-testid=interp-b]');
  await page.fill('[data-testid=interp-steps]', steps);
  await page.check('[data-testid=interp-what-both]');
  await page.selectOption('[data-testid=export-scale]', '4');
  await page.click('[data-testid=interp-run]');
  await page.waitForSelector('[data-testid=interp-panel][data-status=done]', { timeout: 300_000 });
  const gif = await download(page, '[data-testid=interp-export-gif]');
  mkdirSync(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true });
  writeFileSync(out, gif.bytes);
  console.log(`wrote ${out} (${gif.name}, ${gif.bytes.length} bytes)`);
  if (browser.errors.length) console.warn(browser.errors.join('\n'));
} finally {
  await browser.close();
  await app.close();
}
