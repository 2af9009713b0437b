/** Builds a generator from the artifacts any tf.io loader returns for our model.json. */
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../config/architecture';
import { ModelFormatError } from '../errors';
import { BigGanDeepGenerator } from '../nets/biggan_deep_generator';
import { BigGanGenerator } from '../nets/biggan_generator';
import { BigGanTfHubGenerator } from '../nets/biggan_tfhub_generator';
import type { Generator, GeneratorOptions } from '../nets/generator';
import type { StatTable } from '../nets/truncation_stats';
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

/** Truncation-indexed statistic tables: [rows, C] means and variances under these two names. */
const STAT_TABLE_NAMES = [
  { means: 'running_means', vars: 'running_vars' }, // BigGAN-deep
  { means: 'standing_means', vars: 'standing_vars' }, // TF Hub BigGAN
];

/** Moves the stat tables to the CPU, where rows are blended per truncation. */
async function takeStatTables(tensors: tf.NamedTensorMap): Promise<Map<string, StatTable>> {
  const tables = new Map<string, StatTable>();
  for (const name of Object.keys(tensors)) {
    const names = STAT_TABLE_NAMES.find((n) => name.endsWith(`.${n.means}`));
    if (!names) continue;
    const prefix = name.slice(0, -names.means.length - 1);
    const varsName = `${prefix}.${names.vars}`;
    const means = tensors[name];
    const vars = tensors[varsName];
    if (!vars) throw new ModelFormatError(`The model has '${name}' but no '${varsName}'.`);
    tables.set(prefix, {
      means: (await means.data()) as Float32Array,
      vars: (await vars.data()) as Float32Array,
      channels: means.shape[1] ?? 0,
    });
    means.dispose();
    vars.dispose();
    delete tensors[name];
    delete tensors[varsName];
  }
  return tables;
}

async function buildGenerator(
  arch: Architecture,
  store: WeightStore,
  tensors: tf.NamedTensorMap,
  options: GeneratorOptions,
): Promise<Generator> {
  switch (arch.family) {
    case 'biggan-deep':
      return new BigGanDeepGenerator(arch, store, await takeStatTables(tensors), options);
    case 'biggan':
      return new BigGanGenerator(arch, store, options);
    case 'biggan-tfhub':
      return new BigGanTfHubGenerator(arch, store, await takeStatTables(tensors), options);
  }
}

export async function loadGenerator(
  artifacts: tf.io.ModelArtifacts,
  options: GeneratorOptions = {},
): Promise<LoadedModel> {
  const topology = readTopology(artifacts.modelTopology);
  const tensors = decode(artifacts);
  const arch = topology.architecture;
  const store = new WeightStore(tensors);
  try {
    return { generator: await buildGenerator(arch, store, tensors, options), topology, weights: store };
  } catch (e) {
    store.dispose();
    throw e;
  }
}
