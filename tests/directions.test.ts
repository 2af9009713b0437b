/**
 * Semantic directions, edits, variations and crossbreeds: the eigensolver against a matrix whose
 * eigen-decomposition is known, SeFa's directions as eigenvectors of a Gram matrix built here
 * independently in float64, edits that touch only their slots, reproducible children, and records
 * that carry it all and refuse damaged fields.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latentSlots, type Architecture } from '../src/core/config/architecture';
import { blendClasses, crossLatents, randomPick } from '../src/core/edit/crossbreed';
import { editsToRecord, lineageId, parentRef } from '../src/core/edit/edit_record';
import { applyEdits, type DirectionEdit } from '../src/core/edit/latent_edits';
import { latentReaders, semanticDirections } from '../src/core/edit/sefa';
import { formatSlotRange, parseSlotRange } from '../src/core/edit/slot_range';
import { symmetricEigen } from '../src/core/edit/symmetric_eigen';
import { varyClasses, varyLatents } from '../src/core/edit/variation';
import {
  parseSampleRecord,
  recordForSample,
  recordLatents,
  serializeSampleRecord,
  type SampleRecord,
} from '../src/core/export/sample_record';
import { sampleLatents, slotSize, type Latents } from '../src/core/latent/latent_request';
import { slotLayout, splitSlots } from '../src/core/latent/slot_latents';
import type { LoadedModel } from '../src/core/model/load_generator';
import { setBackend } from './helpers/backends';
import { loadFixtureModel } from './helpers/models';

/** Q diag(values) Q^T with Q a Householder reflection I - 2 u u^T / (u^T u): eigenvectors are Q's columns. */
function knownMatrix(values: number[], u: number[]): { gram: Float64Array; q: number[][] } {
  const n = values.length;
  const uu = u.reduce((a, x) => a + x * x, 0);
  const q = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu),
  );
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) gram[i * n + j] += q[i][k] * values[k] * q[j][k];
  return { gram, q };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

function expectOrthonormal(vs: ArrayLike<number>[], tol: number): void {
  for (let i = 0; i < vs.length; i++)
    for (let j = 0; j <= i; j++) expect(Math.abs(dot(vs[i], vs[j]) - (i === j ? 1 : 0))).toBeLessThan(tol);
}

describe('symmetric eigensolver', () => {
  it('recovers a known decomposition, largest first, with a fixed sign', () => {
    const values = [0.5, 7, -1, 3, 2.25, 11];
    const { gram, q } = knownMatrix(values, [1, -2, 0.5, 3, 1, -1]);
    const eig = symmetricEigen(gram, values.length);
    const sorted = [...values].sort((a, b) => b - a);
    eig.values.forEach((v, i) => expect(v).toBeCloseTo(sorted[i], 12));
    expectOrthonormal(eig.vectors, 1e-12);
    eig.vectors.forEach((v, i) => {
      const col = q.map((row) => row[values.indexOf(sorted[i])]);
      expect(Math.abs(Math.abs(dot(v, col)) - 1)).toBeLessThan(1e-12);
      const big = v.reduce((m, x, k) => (Math.abs(x) > Math.abs(v[m]) ? k : m), 0);
      expect(v[big]).toBeGreaterThan(0);
    });
  });

  it('agrees with power iteration on the top eigenpair of a random Gram matrix', () => {
    const n = 20;
    const a = Array.from({ length: n * 30 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < 30; k++) gram[i * n + j] += a[i * 30 + k] * a[j * 30 + k];
    let v = new Float64Array(n).fill(1);
    for (let it = 0; it < 2000; it++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i] += gram[i * n + j] * v[j];
      const norm = Math.sqrt(dot(w, w));
      v = w.map((x) => x / norm);
    }
    const lambda = dot(
      v,
      Array.from({ length: n }, (_, i) => dot(gram.subarray(i * n, (i + 1) * n), v)),
    );
    const eig = symmetricEigen(gram, n);
    expect(eig.values[0]).toBeCloseTo(lambda, 9);
    expect(Math.abs(Math.abs(dot(eig.vectors[0], v)) - 1)).toBeLessThan(1e-9);
  });
});

describe.each(['biggan', 'biggan-deep', 'biggan-tfhub'] as const)('semantic directions on the %s fixture', (family) => {
  let model: LoadedModel;
  let arch: Architecture;
  beforeAll(async () => {
    await setBackend('cpu');
    model = await loadFixtureModel(family);
    arch = model.generator.architecture;
  });
  afterAll(() => model.generator.dispose());

  /** sum over readers of unit-column A^T A, from the weights read back, in float64. */
  async function referenceGram(slots: number[]): Promise<Float64Array> {
    const k = slotSize(arch);
    const g = new Float64Array(k * k);
    for (const s of slots) {
      for (const r of latentReaders(arch, s)) {
        const w = model.weights.get<tf.Tensor2D>(r.weight);
        const [, out] = w.shape;
        const data = await w.data();
        for (let c = 0; c < out; c++) {
          const col = Array.from({ length: k }, (_, i) => data[(r.start + i) * out + c]);
          const norm = Math.sqrt(dot(col, col)) || 1;
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) g[i * k + j] += (col[i] * col[j]) / (norm * norm);
        }
      }
    }
    return g;
  }

  it.each(['0', '1', '0-2', 'all'])(
    'slots %s: orthonormal eigenvectors of the stacked Gram matrix, strongest first',
    async (range) => {
      const slots = parseSlotRange(range, arch);
      expect(formatSlotRange(slots, arch)).toBe(range);
      const set = await semanticDirections(arch, (n) => model.weights.get(n), slots, 5);
      const k = slotSize(arch);
      expect(set.vectors).toHaveLength(5);
      expectOrthonormal(set.vectors, 1e-5);
      for (let i = 1; i < set.values.length; i++) expect(set.values[i]).toBeLessThanOrEqual(set.values[i - 1]);
      const g = await referenceGram(slots);
      set.vectors.forEach((v, d) => {
        const gv = Array.from({ length: k }, (_, i) => dot(g.subarray(i * k, (i + 1) * k), v));
        const lambda = dot(v, gv);
        expect(Math.abs(lambda - set.values[d]) / set.values[0]).toBeLessThan(1e-4);
        const residual = Math.sqrt(gv.reduce((a, x, i) => a + (x - lambda * v[i]) ** 2, 0));
        expect(residual / set.values[0]).toBeLessThan(1e-3);
      });
    },
  );

  it('leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    await semanticDirections(arch, (n) => model.weights.get(n), parseSlotRange('all', arch), 3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses slot ranges the model does not have', () => {
    const n = latentSlots(arch).length;
    expect(() => parseSlotRange(`0-${n}`, arch)).toThrow(/not within this model's slots/);
    expect(() => parseSlotRange('2-1', arch)).toThrow(/not within/);
    expect(() => parseSlotRange('one', arch)).toThrow(/slot number/);
  });

  it('an edit changes only the z of its slots, by amount times the direction', async () => {
    const drawn = sampleLatents(arch, { seed: 3, truncation: 0.5, mode: 'scaled', batch: 2 });
    const set = await semanticDirections(arch, (n) => model.weights.get(n), [1, 2], 3);
    const edit: DirectionEdit = { slots: [1, 2], vector: set.vectors[1], amount: 2 };
    const edited = applyEdits(arch, drawn, [edit]);
    const before = splitSlots(slotLayout(arch), drawn);
    const after = splitSlots(slotLayout(arch), edited);
    const k = slotSize(arch);
    after.forEach((v, s) => {
      if (s === 1 || s === 2) {
        v.forEach((x, j) => expect(x).toBeCloseTo(before[s][j] + 2 * set.vectors[1][j % k], 5));
      } else {
        expect(v).toEqual(before[s]);
      }
    });
    if (arch.family === 'biggan-deep') {
      // Slot 0 (gen_z) keeps the drawn z; the edited blocks get their own.
      expect(edited.z).toEqual(drawn.z);
      expect(edited.slotZ.map((v) => v !== undefined)).toEqual(latentSlots(arch).map((_, s) => s === 1 || s === 2));
    }
    expect(applyEdits(arch, drawn, [{ ...edit, amount: 0 }])).toBe(drawn);
    expect(() => applyEdits(arch, drawn, [{ ...edit, amount: 3.5 }])).toThrow(/within -3 to \+3/);
    expect(() => applyEdits(arch, drawn, [{ ...edit, vector: set.vectors[0].slice(1) }])).toThrow(/has \d+ values/);
  });

  it('variations are reproducible from their seed and vary only the chosen slots', () => {
    const drawn = sampleLatents(arch, { seed: 11, truncation: 0.6, mode: 'scaled' });
    const a = varyLatents(arch, drawn, { seed: 5, strength: 0.5 });
    const b = varyLatents(arch, drawn, { seed: 5, strength: 0.5 });
    const c = varyLatents(arch, drawn, { seed: 6, strength: 0.5 });
    expect(a).toEqual(b);
    expect(a.z).not.toEqual(c.z);
    const only = splitSlots(slotLayout(arch), varyLatents(arch, drawn, { seed: 5, strength: 1, slots: [2] }));
    const base = splitSlots(slotLayout(arch), drawn);
    only.forEach((v, s) => (s === 2 ? expect(v).not.toEqual(base[s]) : expect(v).toEqual(base[s])));
    expect(varyClasses([{ index: 1, weight: 1 }], arch.numClasses, 9)).toEqual(
      varyClasses([{ index: 1, weight: 1 }], arch.numClasses, 9),
    );
    const changed = varyClasses([{ index: 1, weight: 1 }], arch.numClasses, 9);
    expect(changed.length === 2 || changed[0].weight !== 1).toBe(true);
  });

  it('a crossbreed takes each slot whole from the parent its pick names, reproducibly', () => {
    const pa = sampleLatents(arch, { seed: 1, truncation: 0.5, mode: 'scaled' });
    const pb = sampleLatents(arch, { seed: 2, truncation: 0.5, mode: 'scaled' });
    const pick = randomPick(arch, 4);
    expect(randomPick(arch, 4)).toBe(pick);
    const child = splitSlots(slotLayout(arch), crossLatents(arch, pa, pb, pick));
    const [sa, sb] = [pa, pb].map((l) => splitSlots(slotLayout(arch), l));
    child.forEach((v, s) => expect(v).toEqual(pick[s] === 'a' ? sa[s] : sb[s]));
    const allA = crossLatents(arch, pa, pb, 'a'.repeat(latentSlots(arch).length));
    expect(allA.z).toEqual(pa.z);
    expect(() => crossLatents(arch, pa, pb, 'abc')).toThrow(/picks 'a' or 'b'/);
    expect(blendClasses([{ index: 0, weight: 2 }], [{ index: 3, weight: 1 }], 0.25)).toEqual([
      { index: 0, weight: 0.75 },
      { index: 3, weight: 0.25 },
    ]);
  });

  it('a record carries edits, variation and crossbreed; its latents have the edits added; damage is refused', async () => {
    const drawn: Latents = sampleLatents(arch, { seed: 8, truncation: 0.4, mode: 'scaled' });
    const set = await semanticDirections(arch, (n) => model.weights.get(n), [0], 2);
    const edits: DirectionEdit[] = [{ slots: [0], vector: set.vectors[0], amount: -1.5, index: 0, name: 'width' }];
    const parent = {
      model: { hash: 'ab' },
      classes: [{ index: 1, weight: 1 }],
      truncation: 0.4,
      mode: 'scaled',
      z: Array.from(drawn.z),
      seed: 8,
    };
    const record: SampleRecord = recordForSample(
      {
        modelId: 'fixture',
        architecture: arch,
        contentHash: 'ab',
        classes: [{ index: 1, weight: 1 }],
        truncation: 0.4,
        mode: 'scaled',
        seed: 8,
        z: drawn.z,
        slotZ: drawn.slotZ,
        backend: 'cpu',
        lineage: {
          edits: editsToRecord(edits),
          variation: { seed: 3, strength: 0.5, parent: parentRef(parent) },
          crossbreed: {
            parents: [parentRef(parent), parentRef({ ...parent, seed: 9 })],
            pick: 'a'.repeat(latentSlots(arch).length),
            classMix: 0.5,
          },
        },
      },
      0,
      { name: 'test', version: '0' },
    );
    const back = parseSampleRecord(serializeSampleRecord(record), arch);
    expect(back.edits?.[0]).toMatchObject({ slots: [0], amount: -1.5, index: 0, name: 'width' });
    const want = applyEdits(arch, drawn, edits);
    const got = recordLatents(back);
    expect(got.z).toEqual(want.z);
    expect((got.slotZ ?? []).map((v) => v && Array.from(v))).toEqual(want.slotZ.map((v) => v && Array.from(v)));
    expect(lineageId(back)).toMatch(/^[0-9a-f]{16}$/);
    expect(lineageId(back)).not.toBe(lineageId({ ...back, edits: undefined }));
    const damaged: [string, (r: Record<string, unknown>) => void][] = [
      ['an edit amount', (r) => ((r.edits as { amount: number }[])[0].amount = 9)],
      ['an edit direction', (r) => ((r.edits as { vector: unknown[] }[])[0].vector = ['x'])],
      ["an edit's slots", (r) => ((r.edits as { slots: number[] }[])[0].slots = [2, 1])],
      ['variation strength', (r) => ((r.variation as { strength: number }).strength = -1)],
      ['parent reference', (r) => ((r.crossbreed as { parents: unknown[] }).parents[1] = { id: 'zz' })],
      ['crossbreed pick', (r) => ((r.crossbreed as { pick: string }).pick = 'abx')],
    ];
    for (const [what, spoil] of damaged) {
      const raw = JSON.parse(serializeSampleRecord(record)) as Record<string, unknown>;
      spoil(raw);
      expect(() => parseSampleRecord(JSON.stringify(raw), arch), what).toThrow(/damaged/);
    }
    const wrongSize = JSON.parse(serializeSampleRecord(record)) as SampleRecord;
    wrongSize.edits![0].vector = wrongSize.edits![0].vector.slice(1);
    expect(() => parseSampleRecord(JSON.stringify(wrongSize), arch)).toThrow(/direction has \d+ values/);
  });
});
