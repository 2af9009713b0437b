/**
 * The older form of a TF Hub BigGAN file (REFERENCE.md, "Spectral norm"): written before torch's
 * spectral norm had `weight_v`, it stores `weight_orig`, `weight_u` and `weight`, the weight already
 * divided by sigma. Built from the fixture's state_dict and effective weights.
 */
import type { StateDict } from '../../src/core/checkpoint/types';
import { readRawTensors } from './fixtures';

export function tfhubPreDividedStateDict(): StateDict {
  const effective = readRawTensors('biggan-tfhub', 'effective_weights');
  const out: StateDict = new Map();
  for (const [key, t] of readRawTensors('biggan-tfhub', 'state_dict')) {
    if (!key.endsWith('.weight_v')) {
      out.set(key, t);
      continue;
    }
    const weight = `${key.slice(0, -'_v'.length)}`;
    const divided = effective.get(weight);
    if (!divided) throw new Error(`no effective weight for ${weight}`);
    out.set(weight, divided);
  }
  return out;
}
