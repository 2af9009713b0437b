/**
 * The reference fixtures, and readers for their raw tensors and .npy files. The full set is
 * BIGGAN_FIXTURES, else ../shared/fixtures beside the checkout (CI has it); without either, the
 * compact copy in tests/fixtures is expanded into the same layout (compact_fixtures.ts), and the
 * few tests that need what only the full set has skip with a NOTICE (see fullFixtures).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateDict } from '../../src/core/checkpoint/types';
import { readNpy, type NpyArray } from '../../src/core/io/npy';
import { expandCompactFixtures } from './compact_fixtures';

const HERE = dirname(fileURLToPath(import.meta.url));
const COMPACT = resolve(HERE, '../fixtures');

function fullSet(): string | null {
  const chosen = process.env.BIGGAN_FIXTURES;
  if (chosen) {
    if (!existsSync(join(chosen, 'biggan-deep')))
      throw new Error(`BIGGAN_FIXTURES=${chosen} holds no reference fixtures.`);
    return resolve(chosen);
  }
  const beside = resolve(HERE, '../../../shared/fixtures');
  return existsSync(beside) ? beside : null;
}

const FULL = fullSet();
/** Whether the full fixture set is in use (effective weights and activations are only there). */
export const FULL_FIXTURES = FULL !== null;
export const FIXTURES = FULL ?? (await expandCompactFixtures(COMPACT));
/** Full-size key lists (keys/*.tsv), kept in the repository. */
export const REFERENCE = join(COMPACT, 'reference');

const noticed = new Set<string>();
/**
 * For `it.skipIf(!fullFixtures('...'))`: true with the full set; without it, says once which test
 * is skipped and how to run it.
 */
export function fullFixtures(what: string): boolean {
  if (!FULL_FIXTURES && !noticed.has(what)) {
    noticed.add(what);
    console.warn(
      `NOTICE: ${what} needs the full reference fixtures; skipped. Set BIGGAN_FIXTURES to them (or put ../shared/fixtures beside the checkout).`,
    );
  }
  return FULL_FIXTURES;
}
export type FixtureFamily = 'biggan-deep' | 'biggan' | 'biggan-tfhub';

export const CHECKPOINTS: Record<FixtureFamily, string[]> = {
  'biggan-deep': ['pytorch_model.legacy.bin', 'pytorch_model.zip.bin'],
  biggan: ['G.legacy.pth', 'G.zip.pth'],
  'biggan-tfhub': ['biggan128-release.legacy.pt', 'biggan128-release.zip.pt'],
};

export function fixturePath(family: FixtureFamily, ...parts: string[]): string {
  return join(FIXTURES, family, ...parts);
}

interface RawIndex {
  tensors: Record<string, { offset_bytes: number; shape: number[]; numel: number }>;
}

/** A raw tensor file (`tensors/<name>.f32` + `<name>.index.json`) as a state dict. */
export function readRawTensors(family: FixtureFamily, name: 'state_dict' | 'effective_weights'): StateDict {
  const bytes = readFileSync(fixturePath(family, 'tensors', `${name}.f32`));
  const index = JSON.parse(readFileSync(fixturePath(family, 'tensors', `${name}.index.json`), 'utf8')) as RawIndex;
  const out: StateDict = new Map();
  for (const [key, t] of Object.entries(index.tensors)) {
    const data = new Float32Array(t.numel);
    new Uint8Array(data.buffer).set(bytes.subarray(t.offset_bytes, t.offset_bytes + t.numel * 4));
    out.set(key, { shape: t.shape, dtype: 'float32', data });
  }
  return out;
}

export function readFixtureNpy(family: FixtureFamily, ...parts: string[]): NpyArray {
  return readNpy(readFileSync(fixturePath(family, ...parts)));
}

export function caseNames(family: FixtureFamily): string[] {
  return readdirSync(fixturePath(family, 'cases'))
    .filter((d) => d.startsWith('case'))
    .sort();
}

export interface CaseInfo {
  truncation?: number;
  bn_stats_index?: number;
  bn_stats_coef?: number;
}

export function readCase(family: FixtureFamily, name: string): CaseInfo {
  return JSON.parse(readFileSync(fixturePath(family, 'cases', name, 'case.json'), 'utf8')) as CaseInfo;
}

/** NCHW [N, C, H, W] -> NHWC [N, H, W, C]. */
export function nchwToNhwc(a: NpyArray): Float32Array {
  const [n, c, h, w] = a.shape;
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((i * h + y) * w + x) * c + ch] = a.data[((i * c + ch) * h + y) * w + x];
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
