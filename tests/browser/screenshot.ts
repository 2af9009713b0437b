/**
 * Writes docs/screenshot.png: the page with the bundled model, nine samples, at a desktop size.
 * Run with `npx tsx tests/browser/screenshot.ts [search]` (not part of the test suite).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startAppServer } from './helpers/app_server';
import { launchBrowser } from './helpers/browser';
import { waitForSamples } from './helpers/page_tools';

const out = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));
const search = process.argv[2] ?? '?batch=9&seed=11&truncation=0.6';

const app = await startAppServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.goto(`${app.origin}/${search}`);
  await waitForSamples(page, 0, 180_000);
  mkdirSync(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
}
