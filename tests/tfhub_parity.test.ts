/**
 * The TF Hub BigGAN generator against ivclab's outputs in ../shared/fixtures/biggan-tfhub, on the
 * cpu and wasm backends: every case within 1e-4 max abs, converted from either spectral-norm form
 * of the file (torch's weight_orig/u/v, and the older pre-divided weight).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateDict } from '../src/core/checkpoint/types';
import { convertStateDict } from '../src/core/convert/convert';
import { artifactsFromSerialized } from '../src/core/model/in_memory_artifacts';
import { loadGenerator, type LoadedModel } from '../src/core/model/load_generator';
import { serializeModel } from '../src/core/model/model_format';
import { NODE_BACKENDS, setBackend } from './helpers/backends';
import { caseNames, maxAbsDiff, nchwToNhwc, readCase, readFixtureNpy, readRawTensors } from './helpers/fixtures';
import { tfhubPreDividedStateDict } from './helpers/tfhub_old_form';

const TOLERANCE = 1e-4;
const FAMILY = 'biggan-tfhub';

async function load(stateDict: StateDict): Promise<LoadedModel> {
  const converted = convertStateDict(stateDict);
  return loadGenerator(artifactsFromSerialized(await serializeModel(converted.architecture, converted.weights)));
}

async function runCase(model: LoadedModel, name: string): Promise<number> {
  const z = readFixtureNpy(FAMILY, 'cases', name, 'z.npy');
  const c = readFixtureNpy(FAMILY, 'cases', name, 'class.npy');
  const out = tf.tidy(() =>
    model.generator.generate({
      z: tf.tensor2d(z.data, [z.shape[0], z.shape[1]]),
      classVector: tf.tensor2d(c.data, [c.shape[0], c.shape[1]]),
      truncation: readCase(FAMILY, name).truncation!,
    }),
  );
  const got = await out.data();
  out.dispose();
  return maxAbsDiff(got, nchwToNhwc(readFixtureNpy(FAMILY, 'cases', name, 'out_nchw.npy')));
}

const FORMS: [string, () => StateDict][] = [
  ['weight_orig/u/v', () => readRawTensors(FAMILY, 'state_dict')],
  ['pre-divided weight', tfhubPreDividedStateDict],
];

describe.each(NODE_BACKENDS)('TF Hub BigGAN on the %s backend', (backend) => {
  describe.each(FORMS)('from the %s form', (_, stateDict) => {
    let model: LoadedModel;
    beforeAll(async () => {
      await setBackend(backend);
      model = await load(stateDict());
    });
    afterAll(() => model.generator.dispose());

    it.each(caseNames(FAMILY))(`%s matches out_nchw.npy within ${TOLERANCE}`, async (name) => {
      const err = await runCase(model, name);
      console.log(`parity ${backend} ${_} ${name}: max abs ${err.toExponential(2)}`);
      expect(err).toBeLessThan(TOLERANCE);
    });
  });
});
