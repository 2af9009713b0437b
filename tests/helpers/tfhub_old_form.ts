/**
 * The older form of a TF Hub BigGAN file (docs/reference.md, "Spectral norm"): written before torch's
 * spectral norm had `weight_v`, it stores `weight_orig`, `weight_u` and `weight`, the weight already
 * divided by sigma. Built from the fixture's state_dict alone (sigma = u . (Wmat v), Wmat in TF's
 * [kh, kw, in] order), so it needs no effective-weights file.
 */
import type { StateDict } from '../../src/core/checkpoint/types';
import { sigmaTfOrderEval } from '../../src/core/convert/spectral_norm';
import { readRawTensors } from './fixtures';

export function tfhubPreDividedStateDict(): StateDict {
  const stateDict = readRawTensors('biggan-tfhub', 'state_dict');
  const out: StateDict = new Map();
  for (const [key, t] of stateDict) {
    if (!key.endsWith('.weight_v')) {
      out.set(key, t);
      continue;
    }
    const prefix = key.slice(0, -'.weight_v'.length);
    const orig = stateDict.get(`${prefix}.weight_orig`)!;
    const sigma = Math.fround(
      sigmaTfOrderEval(orig.data, orig.shape, stateDict.get(`${prefix}.weight_u`)!.data, t.data),
    );
    out.set(`${prefix}.weight`, { shape: orig.shape, dtype: 'float32', data: orig.data.map((w) => w / sigma) });
  }
  return out;
}
