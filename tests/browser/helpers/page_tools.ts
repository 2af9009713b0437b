/** Page helpers for the explorer tests: wait for samples, read their pixels, compare. */
import type { Page } from 'playwright-core';

const SAMPLE = '[data-testid=sample-canvas]';

export async function generation(page: Page): Promise<number> {
  return Number((await page.getAttribute('[data-testid=sample-grid]', 'data-generation')) ?? 0);
}

/** Waits until every sample is drawn for a render later than `after` (a generation number). */
export async function waitForSamples(page: Page, after = 0, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    (after) => {
      const grid = document.querySelector('[data-testid=sample-grid]') as HTMLElement | null;
      if (!grid || Number(grid.dataset.generation) <= after) return false;
      const canvases = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid=sample-canvas]')];
      return canvases.length > 0 && canvases.every((c) => c.dataset.ready === 'true');
    },
    after,
    { timeout, polling: 100 },
  );
}

/** Runs `action` and waits for the samples it causes. */
export async function afterChange(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await generation(page);
  await action();
  await waitForSamples(page, before);
}

/** RGBA bytes of sample `index`, as drawn on its canvas. */
export async function pixels(page: Page, index = 0): Promise<number[]> {
  return page.$$eval(
    SAMPLE,
    (canvases, index) => {
      const c = canvases[index] as HTMLCanvasElement;
      return [...c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data];
    },
    index,
  );
}

export function maxAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function meanAbsDiff(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export function query(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}
