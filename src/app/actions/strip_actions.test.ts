import { describe, expect, it } from 'vitest';
import { legibleScale } from '../export/resize';
import { playOrder } from './interp_actions';
import { meanPixelSpread, spreadSeeds, STRIP_TRUNCATIONS } from './strip_actions';

const rgba = (...values: number[]) => Uint8ClampedArray.from(values.flatMap((v) => [v, v, v, 255]));

describe('truncation strip', () => {
  it('measures spread as the mean per-pixel standard deviation across samples, alpha left out', () => {
    expect(meanPixelSpread([rgba(10, 200), rgba(10, 200)])).toBe(0);
    // Pixel 0 differs by 255 (std 0.5), pixel 1 not at all: mean 0.25.
    expect(meanPixelSpread([rgba(0, 40), rgba(255, 40)])).toBeCloseTo(0.25, 12);
  });

  it('spans 0.1 to 1 in 8 steps; big models use fewer seeds for the spread', () => {
    expect(STRIP_TRUNCATIONS).toHaveLength(8);
    expect([STRIP_TRUNCATIONS[0], STRIP_TRUNCATIONS.at(-1)]).toEqual([0.1, 1]);
    expect([spreadSeeds(32), spreadSeeds(256)]).toEqual([8, 4]);
  });
});

describe('export and animation defaults', () => {
  it('exports small models at 256 px or more, big ones natively', () => {
    expect([legibleScale(32), legibleScale(64), legibleScale(100), legibleScale(128), legibleScale(512)]).toEqual([
      8, 4, 4, 1, 1,
    ]);
  });

  it('plays A to B, or A to B and back without repeating the ends', () => {
    expect(playOrder(4, false)).toEqual([0, 1, 2, 3]);
    expect(playOrder(4, true)).toEqual([0, 1, 2, 3, 2, 1]);
    expect(playOrder(2, true)).toEqual([0, 1]);
  });
});
