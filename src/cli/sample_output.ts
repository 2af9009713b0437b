/** Writing samples: PNGs carrying their settings record, grids, raw float32 .npy. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { encodePng, tileImages, type RgbImage } from '../core/export/png';
import { PNG_TEXT_KEY, recordForSample, serializeSampleRecord, type RecordSource } from '../core/export/sample_record';
import { toUint8Rgb } from '../core/sampling/sample';
import { APP_NAME, APP_VERSION } from '../core/version';

export async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path) || '.', { recursive: true });
  await writeFile(path, bytes);
}

/** [N, R, R, 3] in [-1, 1] to one RGB image per sample. */
export async function toRgbImages(images: tf.Tensor4D): Promise<RgbImage[]> {
  const [n, h, w] = images.shape;
  const bytes = toUint8Rgb(images);
  const pixels = Uint8Array.from(await bytes.data());
  bytes.dispose();
  return Array.from({ length: n }, (_, i) => ({
    width: w,
    height: h,
    data: pixels.subarray(i * h * w * 3, (i + 1) * h * w * 3),
  }));
}

function recordText(
  source: RecordSource | undefined,
  index: number,
  batch?: number,
): Record<string, string> | undefined {
  if (!source) return undefined;
  const record = recordForSample(source, index, { name: APP_NAME, version: APP_VERSION }, batch);
  return { [PNG_TEXT_KEY]: serializeSampleRecord(record) };
}

/** One PNG per sample (`out-<i>.png` when there are several), or one grid. Says what it wrote. */
export async function writePngs(
  frames: RgbImage[],
  out: string,
  grid: boolean,
  source?: RecordSource,
): Promise<string[]> {
  if (frames.length === 1 || grid) {
    const img = frames.length === 1 ? frames[0] : tileImages(frames, Math.ceil(Math.sqrt(frames.length)));
    // A grid's record describes its first sample and the batch; the rest follow from consecutive seeds.
    await writeOutput(out, encodePng(img, recordText(source, 0, frames.length)));
    return [`${out}: ${img.width}x${img.height}`];
  }
  const written: string[] = [];
  for (let i = 0; i < frames.length; i++) {
    const file = out.replace(/(\.png)?$/i, `-${i}.png`);
    await writeOutput(file, encodePng(frames[i], recordText(source, i)));
    written.push(`${file}: ${frames[i].width}x${frames[i].height}`);
  }
  return written;
}
