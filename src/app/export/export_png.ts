/** PNG files on the page: pixels from the samples, the settings record in the `biggan` text chunk, downloads. */
import { encodePng, type RgbImage } from '../../core/export/png';
import { PNG_TEXT_KEY, serializeSampleRecord, type SampleRecord } from '../../core/export/sample_record';

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

export function rgbToRgba(rgb: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgba[q] = rgb[p];
    rgba[q + 1] = rgb[p + 1];
    rgba[q + 2] = rgb[p + 2];
    rgba[q + 3] = 255;
  }
  return rgba;
}

export function sampleImage(sample: ExportableSample): RgbImage {
  return { width: sample.width, height: sample.height, data: rgbaToRgb(sample.rgba) };
}

/** PNG bytes, with the record as JSON under the `biggan` key when given. */
export function pngBytes(img: RgbImage, record?: SampleRecord | null): Uint8Array<ArrayBuffer> {
  const text = record ? { [PNG_TEXT_KEY]: serializeSampleRecord(record) } : undefined;
  return encodePng(img, text) as Uint8Array<ArrayBuffer>;
}

export function pngBlob(img: RgbImage, record?: SampleRecord | null): Blob {
  return new Blob([pngBytes(img, record)], { type: 'image/png' });
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName.replace(/[^\w.+-]+/g, '_');
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
