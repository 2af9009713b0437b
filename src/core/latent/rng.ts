/**
 * A seeded random generator that gives the same numbers on every machine, browser and backend:
 * xoshiro128** (Blackman and Vigna 2018) seeded through splitmix32, all in 32-bit integer
 * arithmetic, with normals from Marsaglia's polar method over a portable logarithm.
 */
import { portableLog } from './portable_math';

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Rng {
  private readonly s = new Uint32Array(4);

  /** `stream` separates independent sequences drawn from one seed (e.g. one per latent slot). */
  constructor(seed: number, stream = 0) {
    const mix = splitmix32((Math.imul(seed >>> 0, 0x27d4eb2f) ^ Math.imul(stream + 1, 0x165667b1)) >>> 0);
    // Fold in the high bits of seeds beyond 2^32 so that every safe integer seed is distinct.
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    for (let i = 0; i < 4; i++) this.s[i] = mix() ^ Math.imul(high, 0x9e3779b1 + i);
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal. */
  normal(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * portableLog(s)) / s);
    }
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}
