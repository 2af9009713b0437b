import { describe, expect, it } from 'vitest';
import { quoteUntrusted, showUntrusted } from './show_untrusted';

describe('showUntrusted', () => {
  it('renders small values the way pickle reprs read', () => {
    expect(showUntrusted([1, 'a', null, true, 2n])).toBe('(1, "a", None, true, 2)');
    expect(showUntrusted(new Map<unknown, unknown>([['k', [1, 2]]]))).toBe('{"k": (1, 2)}');
    expect(showUntrusted(new Uint8Array(5))).toBe('<5 bytes>');
  });

  it('stops at the character and depth limits, whatever the value', () => {
    expect(quoteUntrusted('x'.repeat(10 << 20), 20)).toBe(`"${'x'.repeat(21)}...`);
    let deep: unknown = null;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(showUntrusted(deep)).toBe('((((...))))');
    // 2^60 leaves through the memo: expanding it would never end; rendering it costs 120 characters.
    let laughs: unknown[] = [null, null];
    for (let i = 0; i < 60; i++) laughs = [laughs, laughs];
    const t0 = performance.now();
    const shown = showUntrusted(laughs, { maxDepth: 100 });
    expect(performance.now() - t0).toBeLessThan(50);
    expect(shown.length).toBeLessThanOrEqual(123);
    expect(shown.endsWith('...')).toBe(true);
  });

  it('never calls a value’s own toString', () => {
    const hostile = JSON.parse('{"toString": 1, "valueOf": 2}');
    expect(() => String(hostile)).toThrow(TypeError);
    expect(showUntrusted([hostile])).toBe('(<Object>)');
  });
});
