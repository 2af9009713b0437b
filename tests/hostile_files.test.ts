/**
 * The crafted hostile files of issue 11, each in a child process under a time and memory limit:
 * every one must now be read or refused with a clean one-line error, never crash, hang or blow up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { craftedCases } from './fuzz/crafted';
import { DEFAULT_LIMITS, runCases, type Verdict } from './fuzz/harness';

const cases = craftedCases();
let verdicts: Verdict[] = [];

describe('crafted hostile files', () => {
  beforeAll(async () => {
    verdicts = await runCases(cases, DEFAULT_LIMITS);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = cases[i]!;
    const v = verdicts[i]!;
    if (c.expect === 'ok') {
      expect(v.outcome, v.message).toBe('ok');
    } else {
      expect(v.outcome, v.message).toBe('error');
      expect(v.message).toMatch(c.expect);
    }
  });
});
