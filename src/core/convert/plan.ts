/**
 * A conversion plan lists every weight of our model, the checkpoint keys it is made from and how.
 * Planning needs only key names and shapes, so a full-size key list can be checked for complete
 * coverage without a single weight in memory.
 */
import type { Architecture } from '../config/architecture';
import type { CheckpointTensor } from '../checkpoint/types';
import { ArchitectureError } from '../errors';

export type ShapeMap = ReadonlyMap<string, readonly number[]>;
export type TensorLookup = (key: string) => CheckpointTensor;

export interface WeightPlan {
  /** Our weight name (the checkpoint's module path, suffix as in the fixtures' effective weights). */
  name: string;
  /** Shape in our (TensorFlow.js) layout. */
  shape: number[];
  /** Checkpoint keys this weight consumes. */
  sources: string[];
  /** Writes the weight, in our layout, into `out` (length = product of `shape`). */
  build(get: TensorLookup, out: Float32Array): void;
}

export interface ConversionPlan {
  architecture: Architecture;
  weights: WeightPlan[];
  /** Keys read for information only (e.g. BigGAN's logged singular values). */
  ignoredKeys: string[];
  /** Things worth telling the user that do not stop the conversion. */
  notes: string[];
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Looks keys up in a shape map with errors that name the key and the family. */
export class ShapeReader {
  constructor(
    private readonly shapes: ShapeMap,
    private readonly family: string,
  ) {}

  has(key: string): boolean {
    return this.shapes.has(key);
  }

  shape(key: string): readonly number[] {
    const s = this.shapes.get(key);
    if (!s) {
      throw new ArchitectureError(
        `Missing key '${key}': this is not a complete ${this.family} generator state_dict. ` +
          'Check that the file is the generator (not the discriminator or a partial download).',
      );
    }
    return s;
  }

  expect(key: string, expected: readonly number[]): void {
    const s = this.shape(key);
    if (!sameShape(s, expected)) {
      throw new ArchitectureError(
        `Key '${key}' has shape ${shapeString(s)} but this ${this.family} architecture needs ` +
          `${shapeString(expected)}. The file does not match the architecture its other tensors describe.`,
      );
    }
  }

  dim(key: string, axis: number): number {
    const s = this.shape(key);
    if (axis >= s.length) {
      throw new ArchitectureError(`Key '${key}' has shape ${shapeString(s)}, which has no axis ${axis}.`);
    }
    return s[axis];
  }
}

/** Every checkpoint key must be used exactly once: leftovers mean we misread the architecture. */
export function checkCoverage(plan: ConversionPlan, keys: Iterable<string>, family: string): void {
  const used = new Set<string>(plan.ignoredKeys);
  for (const w of plan.weights) for (const s of w.sources) used.add(s);
  const unused = [...keys].filter((k) => !used.has(k));
  if (unused.length > 0) {
    const shown = unused
      .slice(0, 5)
      .map((k) => `'${k}'`)
      .join(', ');
    throw new ArchitectureError(
      `${unused.length} key(s) do not belong to a ${family} generator as described: ${shown}` +
        `${unused.length > 5 ? ', ...' : ''}. The file may be a different architecture or variant.`,
    );
  }
}
