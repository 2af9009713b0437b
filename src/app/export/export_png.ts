/**
 * "Export PNG": the current sample at native size as a PNG download. Kept apart so that later
 * exports (metadata, grids, GIFs) grow here.
 */
import { encodePng } from '../../core/export/png';

export interface ExportableSample {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export function rgbaToRgb(rgba: Uint8ClampedArray): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    rgb[q] = rgba[p];
    rgb[q + 1] = rgba[p + 1];
    rgb[q + 2] = rgba[p + 2];
  }
  return rgb;
}

export function samplePng(sample: ExportableSample): Blob {
  const png = encodePng({ width: sample.width, height: sample.height, data: rgbaToRgb(sample.rgba) });
  return new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportSamplePng(sample: ExportableSample, baseName: string): void {
  downloadBlob(samplePng(sample), `${baseName.replace(/[^\w.-]+/g, '_')}.png`);
}
