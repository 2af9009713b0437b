/** Builds a generator from the artifacts any tf.io loader returns for our model.json. */
import * as tf from '@tensorflow/tfjs-core';
import { ModelFormatError } from '../errors';
import { BigGanDeepGenerator, type StatTable } from '../nets/biggan_deep_generator';
import { BigGanGenerator } from '../nets/biggan_generator';
import type { Generator, GeneratorOptions } from '../nets/generator';
import { WeightStore } from '../nets/weight_store';
import { readTopology, type ModelTopology } from './model_format';

export interface LoadedModel {
  generator: Generator;
  topology: ModelTopology;
  /** The generator's weights by name (read by semantic directions); freed with the generator. */
  weights: WeightStore;
}

function decode(artifacts: tf.io.ModelArtifacts): tf.NamedTensorMap {
  if (!artifacts.weightSpecs || !artifacts.weightData) {
    throw new ModelFormatError('The model has no weights: its weightsManifest or shard files are missing.');
  }
  const expected = artifacts.weightSpecs.reduce(
    (a, s) => a + s.shape.reduce((x, y) => x * y, 1) * (s.quantization?.dtype === 'float16' ? 2 : 4),
    0,
  );
  const got = Array.isArray(artifacts.weightData)
    ? artifacts.weightData.reduce((a, b) => a + b.byteLength, 0)
    : artifacts.weightData.byteLength;
  if (got !== expected) {
    throw new ModelFormatError(
      `The weight shards hold ${got} bytes but model.json describes ${expected}: a shard is missing, ` +
        'truncated or from another model. Download or convert the model again.',
    );
  }
  return tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
}

/** Moves BigGAN-deep's stat tables to the CPU, where rows are blended per truncation. */
async function takeStatTables(tensors: tf.NamedTensorMap): Promise<Map<string, StatTable>> {
  const tables = new Map<string, StatTable>();
  for (const name of Object.keys(tensors)) {
    if (!name.endsWith('.running_means')) continue;
    const prefix = name.slice(0, -'.running_means'.length);
    const means = tensors[name];
    const vars = tensors[`${prefix}.running_vars`];
    if (!vars) throw new ModelFormatError(`The model has '${name}' but no '${prefix}.running_vars'.`);
    tables.set(prefix, {
      means: (await means.data()) as Float32Array,
      vars: (await vars.data()) as Float32Array,
      channels: means.shape[1] ?? 0,
    });
    means.dispose();
    vars.dispose();
    delete tensors[name];
    delete tensors[`${prefix}.running_vars`];
  }
  return tables;
}

export async function loadGenerator(artifacts: tf.io.ModelArtifacts, options: GeneratorOptions = {}): Promise<LoadedModel> {
  const topology = readTopology(artifacts.modelTopology);
  const tensors = decode(artifacts);
  const arch = topology.architecture;
  const store = new WeightStore(tensors);
  try {
    const generator =
      arch.family === 'biggan-deep'
        ? new BigGanDeepGenerator(arch, store, await takeStatTables(tensors), options)
        : new BigGanGenerator(arch, store, options);
    return { generator, topology, weights: store };
  } catch (e) {
    store.dispose();
    throw e;
  }
}
