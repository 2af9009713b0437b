import { describe, expect, it } from 'vitest';
import { classSlug, fileBase, modelSlug } from './file_names';
import { downscaleTo, upscale } from './resize';

describe('export file names', () => {
  it('say model, class, truncation and seed', () => {
    const classes = [
      { index: 0, names: ['golden retriever'] },
      { index: 1, names: ['tabby, tabby cat'] },
    ] as never;
    expect(modelSlug({ model: 'biggan-deep-128' }, '')).toBe('biggan-deep-128');
    expect(modelSlug({ model: 'http://h/models/deep/model.json' }, '')).toBe('deep');
    expect(modelSlug(null, 'pytorch_model.zip.bin')).toBe('pytorch-model-zip');
    const base = fileBase({
      model: 'biggan-deep-128',
      classes: classSlug([{ index: 0, weight: 1 }], classes),
      truncation: 0.4,
      seeds: [7],
    });
    expect(base).toBe('biggan-deep-128_golden-retriever_t0.40_seed7');
    expect(
      fileBase({
        model: 'm',
        classes: classSlug(
          [
            { index: 0, weight: 0.5 },
            { index: 1, weight: 0.5 },
          ],
          classes,
        ),
        truncation: 1,
        seeds: [1, 4],
        scale: 4,
        extra: 'grid',
      }),
    ).toBe('m_golden-retriever+tabby-tabby-cat_t1.00_seed1-4_grid_4x');
  });
});

describe('export scaling', () => {
  const img = { width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 200, 100, 50]) };
  it('nearest repeats pixels; smooth blends between them; down averages blocks', () => {
    const n = upscale(img, 2, 'nearest');
    expect([n.width, n.height]).toEqual([4, 2]);
    expect([...n.data.subarray(0, 12)]).toEqual([0, 0, 0, 0, 0, 0, 200, 100, 50, 200, 100, 50]);
    const s = upscale(img, 2, 'smooth');
    expect([...s.data.subarray(0, 12)]).toEqual([0, 0, 0, 50, 25, 13, 150, 75, 38, 200, 100, 50]);
    expect(downscaleTo(n, 2)).toEqual({ width: 2, height: 1, data: img.data });
  });
});
