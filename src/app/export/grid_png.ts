/**
 * The whole batch as one image: samples tiled with a 2 px white gap, and optionally a caption band
 * under them (class names, truncation, seeds) drawn with the page's canvas text.
 */
import { tileImages, type RgbImage } from '../../core/export/png';
import { rgbaToRgb, rgbToRgba } from './export_png';

export const GRID_GAP = 2;
const FONT_PX = 12;
const LINE_PX = 15;
const PAD_PX = 5;

export function gridColumns(count: number): number {
  return Math.ceil(Math.sqrt(Math.max(1, count)));
}

export function tileGrid(images: RgbImage[]): RgbImage {
  return tileImages(images, gridColumns(images.length), GRID_GAP);
}

function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (line && ctx.measureText(next).width > width) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  return lines;
}

/** `grid` with `caption` lines below it (wrapped to its width), white on the page's dark ink. */
export function withCaption(grid: RgbImage, caption: string): RgbImage {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  ctx.font = `${FONT_PX}px system-ui, sans-serif`;
  const lines = wrap(ctx, caption, Math.max(40, grid.width - 2 * PAD_PX));
  canvas.width = grid.width;
  canvas.height = grid.height + lines.length * LINE_PX + 2 * PAD_PX;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.putImageData(new ImageData(rgbToRgba(grid.data), grid.width, grid.height), 0, 0);
  ctx.font = `${FONT_PX}px system-ui, sans-serif`;
  ctx.fillStyle = '#1d2330';
  ctx.textBaseline = 'top';
  lines.forEach((l, i) => ctx.fillText(l, PAD_PX, grid.height + PAD_PX + i * LINE_PX));
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return { width: canvas.width, height: canvas.height, data: rgbaToRgb(rgba) };
}
