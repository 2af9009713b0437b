/**
 * Both generators against the reference outputs in ../shared/fixtures, on the cpu and wasm
 * backends: every case within 1e-4 max abs, and the case-0 activations layer by layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../src/core/model/load_generator';
import { NODE_BACKENDS, setBackend } from './helpers/backends';
import { caseNames, maxAbsDiff, nchwToNhwc, readCase, readFixtureNpy, type FixtureFamily } from './helpers/fixtures';
import { loadFixtureModel } from './helpers/models';

const TOLERANCE = 1e-4;

async function runCase(model: LoadedModel, family: FixtureFamily, name: string): Promise<number> {
  const z = readFixtureNpy(family, 'cases', name, 'z.npy');
  const c = readFixtureNpy(family, 'cases', name, 'class.npy');
  const zt = tf.tensor2d(z.data, [z.shape[0], z.shape[1]]);
  const ct = tf.tensor2d(c.data, [c.shape[0], c.shape[1]]);
  const out = model.generator.generate({ z: zt, classVector: ct, truncation: readCase(family, name).truncation ?? 1 });
  const got = await out.data();
  tf.dispose([zt, ct, out]);
  return maxAbsDiff(got, nchwToNhwc(readFixtureNpy(family, 'cases', name, 'out_nchw.npy')));
}

describe.each(NODE_BACKENDS)('on the %s backend', (backend) => {
  describe.each(['biggan-deep', 'biggan'] as const)('%s', (family) => {
    let model: LoadedModel;
    beforeAll(async () => {
      await setBackend(backend);
      model = await loadFixtureModel(family);
    });
    afterAll(() => model.generator.dispose());

    it.each(caseNames(family))(`%s matches out_nchw.npy within ${TOLERANCE}`, async (name) => {
      const err = await runCase(model, family, name);
      expect(err).toBeLessThan(TOLERANCE);
    });
  });
});
