/** Our model.json: what a damaged or foreign one gets told, and that a good one loads. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../src/core/errors';
import { artifactsFromSerialized } from '../src/core/model/in_memory_artifacts';
import { loadGenerator } from '../src/core/model/load_generator';
import { readTopology, type SerializedModel } from '../src/core/model/model_format';
import { setBackend } from './helpers/backends';
import { serializeFixture } from './helpers/models';

describe('model.json checks', () => {
  let model: SerializedModel;
  beforeAll(async () => {
    await setBackend('cpu');
    model = await serializeFixture('biggan');
  });
  const topology = () => structuredClone(model.modelJson.modelTopology);

  it('accepts our own and rejects foreign or damaged descriptions', () => {
    expect(readTopology(topology()).architecture.family).toBe('biggan');
    expect(() => readTopology(undefined)).toThrow(/no BigGAN Explorer description/);
    expect(() => readTopology({ ...topology(), formatVersion: 99 })).toThrow(/format version 99/);
    expect(() => readTopology({ ...topology(), architecture: { family: 'stylegan' } })).toThrow(
      /Unknown model family 'stylegan'/,
    );
    const absurd = topology();
    (absurd.architecture as { resolution: number }).resolution = 1e9;
    expect(() => readTopology(absurd)).toThrow(/resolution must be a whole number/);
    const bad = topology();
    (bad.architecture as { dimZ: number }).dimZ = 121;
    expect(() => readTopology(bad)).toThrow(/dimZ 121 is not chunkSize 20 times 6/);
    expect(() => readTopology({ ...topology(), classNames: ['one'] })).toThrow(/1 class names for 1000 classes/);
  });

  it('accepts the TF Hub BigGAN layout and refuses malformed ones', async () => {
    const tfhub = (await serializeFixture('biggan-tfhub')).modelJson.modelTopology;
    expect(readTopology(structuredClone(tfhub)).architecture.family).toBe('biggan-tfhub');
    const broken = (change: (a: Record<string, unknown> & { blocks: Record<string, unknown>[] }) => void) => {
      const t = structuredClone(tfhub);
      change(t.architecture as unknown as Record<string, unknown> & { blocks: Record<string, unknown>[] });
      return () => readTopology(t);
    };
    expect(broken((a) => (a.nStats = 0))).toThrow(/nStats must be a whole number/);
    expect(broken((a) => (a.eps = 2))).toThrow(/eps must be in \(0, 1\)/);
    expect(broken((a) => delete a.classEmbedDim)).toThrow(/classEmbedDim must be a whole number/);
    expect(broken((a) => (a.blocks[2].inChannels = 7))).toThrow(/blocks\[2\].inChannels does not follow/);
    expect(broken((a) => (a.resolution = 256))).toThrow(/make 128 px, not 256/);
    expect(broken((a) => (a.blocks[0].attention = 'yes'))).toThrow(/attention must be true or false/);
  });

  it('refuses a TF Hub model whose standing statistics are missing or the wrong size', async () => {
    const model = await serializeFixture('biggan-tfhub');
    const art = artifactsFromSerialized(model);
    art.weightSpecs = art.weightSpecs!.map((s) =>
      s.name === 'gblock_1.hyperbn.crossreplicabn.standing_means' ? { ...s, name: 'elsewhere' } : s,
    );
    await expect(loadGenerator(art)).rejects.toThrow(/no batch-norm statistics for 'gblock_1.hyperbn.crossreplicabn'/);
    const rows = structuredClone(model.modelJson.modelTopology);
    (rows.architecture as { nStats: number }).nStats = 40;
    await expect(loadGenerator({ ...artifactsFromSerialized(model), modelTopology: rows })).rejects.toThrow(
      /not 40 rows of/,
    );
  });

  it('refuses shards that do not match the manifest', async () => {
    const art = artifactsFromSerialized(model);
    art.weightData = (art.weightData as ArrayBuffer).slice(0, 1000);
    await expect(loadGenerator(art)).rejects.toThrow(ModelFormatError);
    await expect(loadGenerator(art)).rejects.toThrow(/shard is missing, truncated or from another model/);
  });

  it('names a weight the model lacks when it is used', async () => {
    const art = artifactsFromSerialized(model);
    const specs = art.weightSpecs!;
    const drop = specs.findIndex((s) => s.name === 'blocks.2.0.conv2.bias');
    const bytesBefore = specs.slice(0, drop).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0);
    const size = specs[drop].shape.reduce((x, y) => x * y, 1) * 4;
    const data = new Uint8Array(art.weightData as ArrayBuffer);
    art.weightData = new Uint8Array([...data.subarray(0, bytesBefore), ...data.subarray(bytesBefore + size)]).buffer;
    art.weightSpecs = specs.filter((_, i) => i !== drop);
    const { generator } = await loadGenerator(art);
    const z = tf.zeros([1, 120]) as tf.Tensor2D;
    const c = tf.cast(tf.oneHot([1], 1000), 'float32') as tf.Tensor2D;
    expect(() => generator.generate({ z, classVector: c, truncation: 1 })).toThrow(/no weight 'blocks.2.0.conv2.bias'/);
    tf.dispose([z, c]);
    generator.dispose();
  });
});
