/** The artifacts a tf.io loader would return, made from a model.json and its shards in memory. */
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelJson, SerializedModel } from './model_format';

/**
 * The shards' buffer when they are back-to-back views covering the whole of one ArrayBuffer, as the
 * converter's are: then joining them would only copy the model once more.
 */
function tiledBuffer(shards: Uint8Array[]): ArrayBuffer | undefined {
  const buffer = shards[0]?.buffer;
  if (!(buffer instanceof ArrayBuffer)) return undefined;
  let at = 0;
  for (const s of shards) {
    if (s.buffer !== buffer || s.byteOffset !== at) return undefined;
    at += s.byteLength;
  }
  return at === buffer.byteLength ? buffer : undefined;
}

/** Joins the shards (tf.io wants one weight buffer) and lifts the manifest's weight specs. */
export function artifactsFromShards(json: ModelJson, shards: Uint8Array[]): tf.io.ModelArtifacts {
  let data = tiledBuffer(shards);
  if (!data) {
    const joined = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
    let at = 0;
    for (const s of shards) {
      joined.set(s, at);
      at += s.length;
    }
    data = joined.buffer;
  }
  return {
    modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data,
  };
}

export function artifactsFromSerialized(model: SerializedModel): tf.io.ModelArtifacts {
  return artifactsFromShards(
    model.modelJson,
    model.shards.map((s) => s.bytes),
  );
}
