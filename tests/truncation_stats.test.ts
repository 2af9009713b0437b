/**
 * The per-truncation batch-norm statistics a generator keeps between calls must survive the
 * caller's tf.tidy: generating twice at one truncation inside tidies once threw "Tensor is
 * disposed" (issue 13, item 3).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateFromInputs, inputsFromSettings } from '../src/core/sampling/sample';
import { setBackend } from './helpers/backends';
import { maxAbsDiff } from './helpers/fixtures';
import { loadFixtureModel } from './helpers/models';

describe.each(['biggan-deep', 'biggan-tfhub'] as const)('%s truncation statistics', (family) => {
  beforeAll(() => setBackend('cpu'));

  it('survive the caller tidying each generate() at the same truncation', async () => {
    const { generator } = await loadFixtureModel(family);
    const arch = generator.architecture;
    const zDim = arch.family === 'biggan-deep' ? arch.zDim : arch.dimZ;
    const draw = () =>
      tf.tidy(() => {
        const z = tf.fill([1, zDim], 0.1) as tf.Tensor2D;
        const classVector = tf.cast(tf.oneHot([3], arch.numClasses), 'float32') as tf.Tensor2D;
        return tf.keep(generator.generate({ z, classVector, truncation: 0.5 }));
      });
    const first = draw();
    const second = draw();
    expect(await second.data()).toEqual(await first.data());
    tf.dispose([first, second]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      generator.generate({ z: tf.zeros([1, zDim]), classVector: tf.zeros([1, arch.numClasses]), truncation: 0.5 });
    });
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
  });
});

describe('TF Hub BigGAN truncation, as TF Hub does it', () => {
  beforeAll(() => setBackend('cpu'));

  it.each(['scaled', 'threshold'] as const)('in %s mode the same t picks the standing statistics', async (mode) => {
    const { generator } = await loadFixtureModel('biggan-tfhub');
    const inputs = inputsFromSettings(generator, {
      classes: [{ index: 207, weight: 1 }],
      truncation: 0.3,
      mode,
      seed: 4,
    });
    expect(inputs.truncation).toBe(0.3);
    const atT = generateFromInputs(generator, inputs);
    const atOne = generateFromInputs(generator, { ...inputs, truncation: 1 });
    expect(maxAbsDiff(await atT.data(), await atOne.data())).toBeGreaterThan(1e-3);
    tf.dispose([atT, atOne]);
    generator.dispose();
  });
});
