/**
 * Math.log differs in the last bit between JavaScript engines; a seed must give the same z in every
 * browser, so the sampler uses this logarithm made of IEEE basic operations only (+, -, *, /), which
 * every engine rounds identically.
 */

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/** Natural logarithm of x > 0, accurate to about 1 ulp. */
export function portableLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x === 0 ? -Infinity : NaN;
  let e = 0;
  let m = x;
  // Scaling by powers of two is exact.
  while (m >= SQRT2) {
    m /= 2;
    e++;
  }
  while (m < SQRT2 / 2) {
    m *= 2;
    e--;
  }
  // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the series converges fast.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k <= 41; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2 * sum + e * LN2;
}
