/**
 * Makes the bundled model's three output channels one grey channel, in place: the rgb conv's three
 * filters (and biases) are replaced by their mean. Fashion-MNIST is grey, but the trained generator's
 * channels drifted apart slightly, which showed as magenta and green speckles. Its weights are
 * folded (spectral norm divided out), so averaging here is exact: each output is the mean of the
 * three pre-tanh channels. training/export.py does the same to new exports; this script applies it
 * to the shipped model, whose PyTorch checkpoint is not kept in the repository.
 *
 *   npx tsx training/grey_output.ts [public/models/fashion-mnist-biggan-32]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedWeight } from '../src/core/convert/convert';
import { readTopology, serializeModel, type ModelJson } from '../src/core/model/model_format';

const OUTPUT_CONV = 'output_layer.2';
const NOTE = 'output channels averaged to grey (training/grey_output.ts)';
const dir = process.argv[2] ?? 'public/models/fashion-mnist-biggan-32';

const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
const topology = readTopology(json.modelTopology);
if (topology.weightsDtype !== 'float32') throw new Error('Only float32 models are handled.');
const [group] = json.weightsManifest;
const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);

let offset = 0;
const weights: NamedWeight[] = group.weights.map((w) => {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const data = all.slice(offset, offset + n);
  offset += n;
  return { name: w.name, shape: w.shape, data };
});
if (offset !== all.length) throw new Error(`The shards hold ${all.length} values; the manifest names ${offset}.`);

/** The last axis (channels) of `data` replaced by its mean. */
function greyLastAxis(w: NamedWeight): void {
  const c = w.shape.at(-1)!;
  if (c !== 3) throw new Error(`${w.name} has ${c} output channels, not 3.`);
  for (let i = 0; i < w.data.length; i += 3) {
    const mean = (w.data[i] + w.data[i + 1] + w.data[i + 2]) / 3;
    w.data.fill(mean, i, i + 3);
  }
}
for (const name of [`${OUTPUT_CONV}.weight`, `${OUTPUT_CONV}.bias`]) {
  const w = weights.find((x) => x.name === name);
  if (!w) throw new Error(`No weight '${name}' in ${dir}/model.json.`);
  greyLastAxis(w);
}

const digest = async (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const out = await serializeModel(topology.architecture, weights, {
  dtype: 'float32',
  shardBytes: Math.max(...group.paths.map((p) => readFileSync(join(dir, p)).length)),
  generatedBy: json.generatedBy,
  classNames: topology.classNames,
  source: { ...topology.source, notes: [...new Set([...(topology.source?.notes ?? []), NOTE])] },
  digest,
});
for (const s of out.shards) writeFileSync(join(dir, s.path), s.bytes);
writeFileSync(join(dir, 'model.json'), JSON.stringify(out.modelJson, null, 1));
console.log(`${dir}: output channels averaged; weights sha256 ${out.modelJson.modelTopology.contentHash}`);
