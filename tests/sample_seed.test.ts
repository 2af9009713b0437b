/** Sample i of a batch, a strip or a walk uses seed + i, wrapping past the largest seed to 0. */
import { describe, expect, it } from 'vitest';
import { checkSeed, MAX_SEED, sampleSeed } from '../src/core/latent/latent_request';

describe('sampleSeed', () => {
  it('counts on from the first seed', () => {
    expect([0, 1, 2, 3].map((i) => sampleSeed(7, i))).toEqual([7, 8, 9, 10]);
  });

  it('wraps past MAX_SEED to 0, and every seed it gives is a valid seed', () => {
    expect(MAX_SEED).toBe(2 ** 32 - 1);
    expect(sampleSeed(MAX_SEED, 0)).toBe(MAX_SEED);
    expect(sampleSeed(MAX_SEED, 1)).toBe(0);
    expect(sampleSeed(MAX_SEED - 1, 3)).toBe(1);
    for (const [seed, i] of [
      [MAX_SEED, 15],
      [MAX_SEED - 7, 16],
      [0, 0],
    ])
      expect(() => checkSeed(sampleSeed(seed, i))).not.toThrow();
  });
});
