/**
 * Full-size generators with random weights of the released shapes, for benchmarks with no peer
 * (bench/directions_bench.ts; the others share torch's weights, bench/models.ts): the key lists in
 * tests/fixtures/reference/keys give the shapes, the converter's plan gives our layout, and weights
 * are drawn with fan-in scaling so activations stay in range (denormals would distort timings).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planConversion } from '../src/core/convert/convert';
import type { NamedWeight } from '../src/core/convert/convert';
import type { Architecture } from '../src/core/config/architecture';
import { Rng } from '../src/core/latent/rng';

const REFERENCE_KEYS = join(import.meta.dirname, '../tests/fixtures/reference/keys');

function readKeyShapes(file: string): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const line of readFileSync(join(REFERENCE_KEYS, file), 'utf8').trim().split('\n')) {
    const [key, shape] = line.split('\t');
    shapes.set(key, JSON.parse(shape) as number[]);
  }
  return shapes;
}

function fill(name: string, shape: number[], rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (name.endsWith('running_vars') || name.endsWith('stored_var')) return out.fill(1);
  if (name.endsWith('running_means') || name.endsWith('stored_mean') || name.endsWith('bias')) return out;
  if (name.endsWith('gamma')) return out.fill(0.1);
  if (name.endsWith('bn.weight') || name.endsWith('output_layer.0.gain')) return out.fill(1);
  const fanIn = shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape[0];
  const scale = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * scale * 1.7;
  return out;
}

export function randomModel(keysFile: string): { architecture: Architecture; weights: NamedWeight[] } {
  const plan = planConversion(readKeyShapes(keysFile));
  const rng = new Rng(1234);
  return {
    architecture: plan.architecture,
    weights: plan.weights.map((w) => ({ name: w.name, shape: w.shape, data: fill(w.name, w.shape, rng) })),
  };
}
