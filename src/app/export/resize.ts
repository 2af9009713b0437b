/** Scaling RGB images: 2x/4x up (nearest or smooth, i.e. bilinear) for export, and box-filtered down for thumbnails. */
import type { RgbImage } from '../../core/export/png';

export type ScaleFilter = 'nearest' | 'smooth';
export type ExportScale = 1 | 2 | 4 | 8;
export const EXPORT_SCALES: readonly ExportScale[] = [1, 2, 4, 8];

/** Small models' samples are tiny: their default export is the smallest scale giving 256 px or more. */
export const LEGIBLE_PX = 256;
export function legibleScale(resolution: number): ExportScale {
  if (resolution >= 128) return 1;
  return EXPORT_SCALES.find((f) => resolution * f >= LEGIBLE_PX) ?? 8;
}

export function upscale(img: RgbImage, factor: number, filter: ScaleFilter): RgbImage {
  if (factor === 1) return img;
  const { width: w, height: h, data: src } = img;
  const W = w * factor;
  const H = h * factor;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    // Pixel centres: output (y + 0.5) / factor - 0.5 in source pixels, clamped at the edges.
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = fy - y0;
    const ny = Math.floor(y / factor);
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      if (filter === 'nearest') {
        const i = (ny * w + Math.floor(x / factor)) * 3;
        out[o] = src[i];
        out[o + 1] = src[i + 1];
        out[o + 2] = src[i + 2];
        continue;
      }
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) / factor - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = src[(y0 * w + x0) * 3 + c] * (1 - tx) + src[(y0 * w + x1) * 3 + c] * tx;
        const b = src[(y1 * w + x0) * 3 + c] * (1 - tx) + src[(y1 * w + x1) * 3 + c] * tx;
        out[o + c] = Math.round(a * (1 - ty) + b * ty);
      }
    }
  }
  return { width: W, height: H, data: out };
}

/** Averages factor x factor blocks so that the result is at most `max` pixels a side. */
export function downscaleTo(img: RgbImage, max: number): RgbImage {
  const factor = Math.ceil(Math.max(img.width, img.height) / max);
  if (factor <= 1) return img;
  const W = Math.floor(img.width / factor);
  const H = Math.floor(img.height / factor);
  const out = new Uint8Array(W * H * 3);
  const n = factor * factor;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++)
            sum += img.data[((y * factor + dy) * img.width + x * factor + dx) * 3 + c];
        }
        out[(y * W + x) * 3 + c] = Math.round(sum / n);
      }
    }
  }
  return { width: W, height: H, data: out };
}
