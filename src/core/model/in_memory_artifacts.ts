/** The artifacts a tf.io loader would return, made from a model serialized in memory. */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedModel } from './model_format';

export function artifactsFromSerialized(model: SerializedModel): tf.io.ModelArtifacts {
  const total = model.shards.reduce((a, s) => a + s.bytes.length, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const s of model.shards) {
    data.set(s.bytes, at);
    at += s.bytes.length;
  }
  return {
    modelTopology: model.modelJson.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
    format: model.modelJson.format,
    generatedBy: model.modelJson.generatedBy,
    convertedBy: model.modelJson.convertedBy,
    weightSpecs: model.modelJson.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer,
  };
}
