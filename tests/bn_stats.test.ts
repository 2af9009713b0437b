/**
 * BigGAN-deep's batch-norm statistic selection against the reference's arithmetic (docs/reference.md,
 * "Which stats, exactly"): Python's math.modf(t / (1/50)) in double precision, the lower row
 * weighted by coef, float32 products.
 */
import { describe, expect, it } from 'vitest';
import { blendStatRows, selectStandingStats, selectStats } from '../src/core/nets/bn_stats';
import { caseNames, readCase } from './helpers/fixtures';

// [truncation, index, coef] as the reference computes them; coef for 0.14 is 0.14/0.02 - 7.
const EXPECTED: [number, number, number][] = [
  [0.02, 1, 0],
  [0.14, 7, 0.14 / 0.02 - 7],
  [0.4, 20, 0],
  [0.5, 25, 0],
  [0.725, 36, 0.725 / 0.02 - 36],
  [0.999, 49, 0.999 / 0.02 - 49],
  [1.0, 50, 0],
];

describe('batch-norm statistic selection', () => {
  it.each(EXPECTED)('t = %s selects row %s with coef %s', (t, index, coef) => {
    const sel = selectStats(t, 51);
    expect(sel.index).toBe(index);
    expect(sel.coef).toBe(coef);
  });

  it('has the float quirk at t = 0.14: rows 7 and 8 with coef 8.9e-16, i.e. row 8', () => {
    const sel = selectStats(0.14, 51);
    expect(sel.coef).toBeGreaterThan(8e-16);
    expect(sel.coef).toBeLessThan(1e-15);
    const table = Float32Array.from({ length: 51 * 2 }, (_, i) => Math.floor(i / 2) + 0.25 * (i % 2));
    expect([...blendStatRows(table, 2, sel)]).toEqual([8, 8.25]);
  });

  it('matches the index and coefficient recorded in every fixture case', () => {
    for (const name of caseNames('biggan-deep')) {
      const c = readCase('biggan-deep', name);
      const sel = selectStats(c.truncation!, 51);
      expect(sel.index).toBe(c.bn_stats_index);
      expect(sel.coef).toBeCloseTo(c.bn_stats_coef!, 12);
    }
  });

  it('weights the lower row by coef and the upper by 1 - coef, in float32', () => {
    const table = new Float32Array(51 * 3);
    for (let r = 0; r < 51; r++) for (let c = 0; c < 3; c++) table[r * 3 + c] = Math.fround(Math.sin(r * 3 + c));
    const sel = selectStats(0.725, 51);
    const got = blendStatRows(table, 3, sel);
    const a = Math.fround(sel.coef);
    const b = Math.fround(1 - sel.coef);
    for (let c = 0; c < 3; c++) {
      expect(got[c]).toBe(Math.fround(Math.fround(table[36 * 3 + c] * a) + Math.fround(table[37 * 3 + c] * b)));
    }
    expect([...blendStatRows(table, 3, selectStats(1, 51))]).toEqual([...table.subarray(150, 153)]);
  });
});

describe('TF Hub BigGAN standing-statistic selection (row i holds t = (i + 1) * 0.02)', () => {
  it.each([
    [0.02, 0],
    [0.4, 19],
    [0.14, 6],
    [1.0, 49],
  ])('t = %s uses row %s alone', (t, index) => {
    expect(selectStandingStats(t, 50)).toEqual({ index, coef: 0 });
  });

  it.each([
    [0.41, 19, 0.5],
    [0.03, 0, 0.5],
    [0.725, 35, 0.75],
  ])("t = %s blends row %s and the next, the lower weighted %s (not ivclab's row too high)", (t, index, coef) => {
    const sel = selectStandingStats(t, 50);
    expect(sel.index).toBe(index);
    expect(sel.coef).toBeCloseTo(coef, 9);
  });

  it('interpolates linearly between the rows of the two grid points', () => {
    const table = Float32Array.from({ length: 50 * 2 }, (_, i) => Math.floor(i / 2) * 10 + (i % 2));
    expect([...blendStatRows(table, 2, selectStandingStats(0.41, 50))].map((v) => +v.toFixed(4))).toEqual([195, 196]);
  });

  it('matches the row recorded in every fixture case', () => {
    for (const name of caseNames('biggan-tfhub')) {
      const c = readCase('biggan-tfhub', name) as { truncation?: number; stats_row?: number };
      expect(selectStandingStats(c.truncation!, 50)).toEqual({ index: c.stats_row, coef: 0 });
    }
  });

  it('refuses a truncation below the first row', () => {
    expect(() => selectStandingStats(0.01, 50)).toThrow(/covers? 0.02 to 1/);
  });
});
