/** Class inputs: a vector of class weights, one class or a blend (BigGAN conditions on any mixture). */
import { SettingsError } from '../errors';

export interface ClassWeight {
  index: number;
  weight: number;
}

export const MAX_BLEND = 4;

/** Weights are normalised to sum to 1, so "207:7,933:3" and "207:0.7,933:0.3" mean the same. */
export function classVector(numClasses: number, blend: readonly ClassWeight[]): Float32Array {
  if (blend.length === 0) throw new SettingsError('Choose at least one class.');
  if (blend.length > MAX_BLEND)
    throw new SettingsError(`A blend has at most ${MAX_BLEND} classes; got ${blend.length}.`);
  let total = 0;
  for (const { index, weight } of blend) {
    if (!Number.isInteger(index) || index < 0 || index >= numClasses) {
      throw new SettingsError(`Class ${index} does not exist: this model has classes 0 to ${numClasses - 1}.`);
    }
    if (!(weight > 0) || !Number.isFinite(weight))
      throw new SettingsError(`Class weights must be positive numbers; got ${weight}.`);
    total += weight;
  }
  const v = new Float32Array(numClasses);
  for (const { index, weight } of blend) v[index] += weight / total;
  return v;
}

/** The same class vector for every sample of a batch: [batch, numClasses]. */
export function repeatRows(row: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(row.length * batch);
  for (let i = 0; i < batch; i++) out.set(row, i * row.length);
  return out;
}
