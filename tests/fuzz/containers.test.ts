/**
 * The fuzz suite: seeded, structure-aware mutants of every file kind the readers take (legacy and
 * zip torch.save, safetensors, .npy, PNG records, record JSON), run in child processes with a time
 * and memory limit per case. Every mutant must be read or refused with a clean error: no crash, no
 * hang, no memory blowup. Prints the count line; BIGGAN_FUZZ_RUNS and BIGGAN_FUZZ_SEED widen it.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { countLine, DEFAULT_LIMITS, runCases, type FuzzCase, type Verdict } from './harness';
import { FAMILIES } from './mutants';

const SEED = Number(process.env.BIGGAN_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.BIGGAN_FUZZ_RUNS ?? 400);

const names = Object.keys(FAMILIES);
const cases: (FuzzCase & { family: string })[] = names.flatMap((family, i) =>
  fc
    .sample(FAMILIES[family]!.arbitrary, { seed: SEED + i, numRuns: RUNS })
    .map((bytes) => ({ family, kind: FAMILIES[family]!.kind, bytes })),
);
let verdicts: Verdict[] = [];

describe('fuzzing the readers', () => {
  beforeAll(async () => {
    verdicts = await runCases(cases, DEFAULT_LIMITS);
    for (const family of names)
      console.log(
        countLine(
          family,
          verdicts.filter((_, i) => cases[i]!.family === family),
        ),
      );
    console.log(countLine(`all (seed ${SEED})`, verdicts));
  }, 300_000);

  it.each(names)('%s: every mutant is read or cleanly refused', (family) => {
    const bad = verdicts
      .map((v, i) => ({ ...v, i }))
      .filter((v) => cases[v.i]!.family === family && v.outcome !== 'ok' && v.outcome !== 'error');
    const shown = bad
      .slice(0, 3)
      .map(
        (v) =>
          `case ${v.i} ${v.outcome}: ${v.message} [${Buffer.from(cases[v.i]!.bytes).toString('base64').slice(0, 400)}]`,
      );
    expect(shown).toEqual([]);
  });

  it('mutants reach past the first check: most are refused for different reasons', () => {
    const reasons = new Set(
      verdicts.filter((v) => v.outcome === 'error').map((v) => v.message.replace(/\d+/g, 'N').slice(0, 60)),
    );
    expect(reasons.size).toBeGreaterThan(40);
  });
});
