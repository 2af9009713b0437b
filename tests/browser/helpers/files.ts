/** Downloads, drops and decoded PNGs for the export tests. */
import { readFileSync } from 'node:fs';
import { decode } from 'fast-png';
import type { Download, Page } from 'playwright-core';

export interface Saved {
  name: string;
  bytes: Uint8Array;
}

/** Clicks `selector` and returns the file it downloads. */
export async function download(page: Page, selector: string): Promise<Saved> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(selector)]);
  return read(d);
}

export async function read(d: Download): Promise<Saved> {
  return { name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(await d.path())) };
}

/** RGB bytes of a decoded 8-bit PNG, and its size and text chunks. */
export function decodePng(bytes: Uint8Array): {
  width: number;
  height: number;
  rgb: number[];
  text: Record<string, string>;
} {
  const img = decode(bytes);
  const ch = img.channels;
  const rgb: number[] = [];
  for (let i = 0; i < img.data.length; i += ch) rgb.push(img.data[i], img.data[i + 1], img.data[i + 2]);
  return { width: img.width, height: img.height, rgb, text: img.text ?? {} };
}

/** RGBA (as pixels() returns) to RGB. */
export function rgbOf(rgba: number[]): number[] {
  return rgba.filter((_, i) => i % 4 !== 3);
}

/** The RGB of the w x h block at (x0, y0) of a `width`-wide RGB image. */
export function crop(rgb: number[], width: number, x0: number, y0: number, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = y0; y < y0 + h; y++) out.push(...rgb.slice((y * width + x0) * 3, (y * width + x0 + w) * 3));
  return out;
}

/** Drops a file on the page as a user would (a synthetic drop event carrying a File). */
export async function dropFile(page: Page, name: string, bytes: Uint8Array, type = 'image/png'): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, data, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name, { type }));
      return dt;
    },
    { name, data: [...bytes], type },
  );
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

/** Waits for a notice matching `re` and returns its text. */
export async function waitNotice(page: Page, re: RegExp): Promise<string> {
  const n = page.locator('[data-testid=notice]', { hasText: re }).last();
  await n.waitFor({ timeout: 60_000 });
  return (await n.textContent()) ?? '';
}
