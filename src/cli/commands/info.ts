/** `biggan info <checkpoint|model.json>`: what a file is, and any problem found. */
import { parseArgs } from 'node:util';
import { USAGE } from '../usage';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { familyLabel, type Architecture } from '../../core/config/architecture';
import { planConversion, shapesOf } from '../../core/convert/convert';
import { BigGanError, SettingsError } from '../../core/errors';
import { readTopology } from '../../core/model/model_format';
import { isModelJson, modelJsonPath, readCheckpointFile, readModelJson } from '../model_files';
import { formatBytes } from '../progress_bar';

export function describeArchitecture(a: Architecture): string {
  const lines = [`family:      ${familyLabel(a)}${a.family === 'biggan' ? ' (hierarchical latent)' : ''}`];
  lines.push(`resolution:  ${a.resolution}x${a.resolution}`);
  lines.push(`classes:     ${a.numClasses}`);
  if (a.family === 'biggan-deep') {
    lines.push(`z:           ${a.zDim} (whole z to every block), class embedding ${a.classEmbedDim}`);
    lines.push(
      `blocks:      ${a.layers.length} GenBlocks, channel width ${a.channelWidth}, attention at layer ${a.attentionPosition}`,
    );
    lines.push(`batch norm:  eps ${a.eps}, ${a.nStats} truncation-indexed statistic rows`);
    return lines.join('\n');
  }
  const bottom = a.family === 'biggan' ? a.bottomWidth : 4;
  const embed =
    a.family === 'biggan' ? `shared embedding ${a.sharedDim}` : `class embedding ${a.classEmbedDim} (chunk first)`;
  lines.push(`z:           ${a.dimZ} in ${a.blocks.length + 1} chunks of ${a.chunkSize}, ${embed}`);
  const attn = a.blocks.map((b, i) => (b.attention ? bottom * 2 ** (i + 1) : 0)).filter(Boolean);
  lines.push(
    `blocks:      ${a.blocks.length} GBlocks, ${a.blocks[0].inChannels} -> ${a.blocks[a.blocks.length - 1].outChannels} channels (G_ch ${a.channelWidth}), attention at ${attn.join(', ') || 'none'} px`,
  );
  lines.push(
    a.family === 'biggan'
      ? `eps:         BN ${a.bnEps}, SN ${a.snEps}`
      : `batch norm:  eps ${a.eps}, ${a.nStats} standing-statistic rows (truncation ${1 / a.nStats} to 1)`,
  );
  return lines.join('\n');
}

export async function infoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new SettingsError(`Usage: ${USAGE.info}`);
  const path = positionals[0];
  if (isModelJson(path)) return infoModelJson(path);
  const { tensors, container } = await readCheckpointFile(path, true);
  const params = [...tensors.values()].reduce((a, t) => a + t.data.length, 0);
  const dtypes = [...new Set([...tensors.values()].map((t) => t.dtype))].join(', ');
  console.log(`file:        ${path} (${formatBytes(statSync(path).size)}, ${container}, ${dtypes})`);
  console.log(`tensors:     ${tensors.size} keys, ${params.toLocaleString('en-US')} values`);
  try {
    const configText = values.config ? (await import('node:fs')).readFileSync(values.config, 'utf8') : undefined;
    const plan = planConversion(shapesOf(tensors), configText);
    console.log(describeArchitecture(plan.architecture));
    const kept = plan.weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
    console.log(
      `converted:   ${plan.weights.length} weights, ${kept.toLocaleString('en-US')} parameters, ${formatBytes(kept * 4)} float32`,
    );
    for (const n of plan.notes) console.log(`note:        ${n}`);
    console.log('problems:    none');
    return 0;
  } catch (e) {
    if (!(e instanceof BigGanError)) throw e;
    console.log(`problem:     ${e.message}`);
    return 1;
  }
}

async function infoModelJson(path: string): Promise<number> {
  const file = modelJsonPath(path);
  const json = await readModelJson(file);
  const problems: string[] = [];
  let topology;
  try {
    topology = readTopology(json.modelTopology);
  } catch (e) {
    console.log(`problem:     ${(e as Error).message}`);
    return 1;
  }
  const specs = (json.weightsManifest ?? []).flatMap((g) => g.weights);
  const params = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  const expected = specs.reduce(
    (a, s) => a + s.shape.reduce((x, y) => x * y, 1) * (s.quantization?.dtype === 'float16' ? 2 : 4),
    0,
  );
  let bytes = 0;
  for (const p of (json.weightsManifest ?? []).flatMap((g) => g.paths)) {
    const full = join(dirname(file), p);
    if (!existsSync(full)) problems.push(`shard ${p} is missing`);
    else bytes += statSync(full).size;
  }
  if (problems.length === 0 && bytes !== expected)
    problems.push(`shards hold ${bytes} bytes, the manifest describes ${expected}`);
  console.log(`file:        ${file} (our converted model, format ${topology.formatVersion})`);
  console.log(describeArchitecture(topology.architecture));
  console.log(`parameters:  ${params.toLocaleString('en-US')} in ${specs.length} weights`);
  console.log(`bytes:       ${formatBytes(bytes)} in shards (${topology.weightsDtype})`);
  console.log(`hash:        sha256:${topology.contentHash}`);
  if (topology.classNames)
    console.log(
      `class names: ${topology.classNames.slice(0, 5).join(', ')}${topology.classNames.length > 5 ? ', ...' : ''}`,
    );
  if (topology.source?.file) console.log(`source:      ${topology.source.file} (${topology.source.container})`);
  console.log(problems.length ? `problems:    ${problems.join('; ')}` : 'problems:    none');
  return problems.length ? 1 : 0;
}
