/** The artifacts a tf.io loader would return, made from a model.json and its shards in memory. */
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelJson, SerializedModel } from './model_format';

/** Joins the shards (tf.io wants one weight buffer) and lifts the manifest's weight specs. */
export function artifactsFromShards(json: ModelJson, shards: Uint8Array[]): tf.io.ModelArtifacts {
  const data = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
  let at = 0;
  for (const s of shards) {
    data.set(s, at);
    at += s.length;
  }
  return {
    modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer,
  };
}

export function artifactsFromSerialized(model: SerializedModel): tf.io.ModelArtifacts {
  return artifactsFromShards(model.modelJson, model.shards.map((s) => s.bytes));
}
