/** Fixture models converted in memory and loaded, shared by the generator tests. */
import { existsSync, readFileSync } from 'node:fs';
import { convertStateDict } from '../../src/core/convert/convert';
import { artifactsFromSerialized } from '../../src/core/model/in_memory_artifacts';
import { loadGenerator, type LoadedModel } from '../../src/core/model/load_generator';
import { serializeModel, type SerializedModel, type WeightStorageDtype } from '../../src/core/model/model_format';
import { fixturePath, readRawTensors, type FixtureFamily } from './fixtures';

export async function serializeFixture(
  family: FixtureFamily,
  dtype: WeightStorageDtype = 'float32',
): Promise<SerializedModel> {
  // The TF Hub release carries no config file.
  const config = fixturePath(family, 'config.json');
  const converted = convertStateDict(readRawTensors(family, 'state_dict'), {
    configText: existsSync(config) ? readFileSync(config, 'utf8') : undefined,
  });
  return serializeModel(converted.architecture, converted.weights, { dtype });
}

/** Loads on the current backend. */
export async function loadFixtureModel(
  family: FixtureFamily,
  dtype: WeightStorageDtype = 'float32',
): Promise<LoadedModel> {
  return loadGenerator(artifactsFromSerialized(await serializeFixture(family, dtype)));
}
