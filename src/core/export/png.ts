/** PNG files from generated pixels, with optional text chunks (fast-png does the encoding). */
import { encode } from 'fast-png';

export interface RgbImage {
  width: number;
  height: number;
  /** Row-major RGB, 3 bytes a pixel. */
  data: Uint8Array;
}

export function encodePng(image: RgbImage, text?: Record<string, string>): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8, text });
}

/** Tiles same-sized images into a grid of `columns`, with `gap` pixels of `background` between. */
export function tileImages(images: RgbImage[], columns: number, gap = 2, background = 255): RgbImage {
  const { width: w, height: h } = images[0];
  const cols = Math.min(columns, images.length);
  const rows = Math.ceil(images.length / cols);
  const width = cols * w + (cols - 1) * gap;
  const height = rows * h + (rows - 1) * gap;
  const data = new Uint8Array(width * height * 3).fill(background);
  images.forEach((img, i) => {
    const x0 = (i % cols) * (w + gap);
    const y0 = Math.floor(i / cols) * (h + gap);
    for (let y = 0; y < h; y++) {
      data.set(img.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * width + x0) * 3);
    }
  });
  return { width, height, data };
}
