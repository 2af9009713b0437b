/** `biggan convert <checkpoint|hf:owner/repo[@rev]> [--config f] [--out dir] [--dtype float32|float16] [--hub url]` */
import { parseArgs } from 'node:util';
import { USAGE } from '../usage';
import { basename } from 'node:path';
import { SettingsError } from '../../core/errors';
import type { WeightStorageDtype } from '../../core/model/model_format';
import { isHubRef } from '../../core/hub/hub_ref';
import { downloadHubModel, hubAddress, type DownloadedHubModel } from '../hub_download';
import { convertCheckpointFile, serialize, writeModelDir } from '../model_files';
import { formatBytes } from '../progress_bar';
import { describeArchitecture } from './info';

export async function convertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      dtype: { type: 'string', default: 'float32' },
      'class-names': { type: 'string' },
      hub: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new SettingsError(`Usage: ${USAGE.convert}`);
  const dtype = values.dtype as WeightStorageDtype;
  if (dtype !== 'float32' && dtype !== 'float16')
    throw new SettingsError(`--dtype must be float32 or float16; got '${values.dtype}'.`);
  const started = performance.now();
  // An hf: reference is downloaded first (checkpoint + config.json), then converted like a file.
  const hub: DownloadedHubModel | null = isHubRef(positionals[0])
    ? await downloadHubModel(positionals[0], hubAddress(values.hub))
    : null;
  try {
    return await convertInput(
      hub ? hub.checkpointPath : positionals[0],
      hub ? (values.config ?? hub.configPath) : values.config,
      values,
      dtype,
      started,
      hub,
    );
  } finally {
    await hub?.cleanup();
  }
}

async function convertInput(
  input: string,
  config: string | undefined,
  values: { out?: string; 'class-names'?: string },
  dtype: WeightStorageDtype,
  started: number,
  hub: DownloadedHubModel | null,
): Promise<number> {
  const out =
    values.out ?? `${(hub ? hub.id.slice(3).split('/').pop()! : basename(input)).replace(/\.[^.]+$/, '')}-tfjs`;
  const { converted, container } = await convertCheckpointFile(input, config);
  const classNames = values['class-names']
    ? await readClassNames(values['class-names'], converted.architecture.numClasses)
    : undefined;
  const model = await serialize(converted, {
    dtype,
    classNames,
    source: { file: basename(input), container, notes: converted.notes },
    generatedBy: 'biggan-explorer',
  });
  await writeModelDir(out, model);
  const bytes = model.shards.reduce((a, s) => a + s.bytes.length, 0);
  for (const note of converted.notes) console.log(`note: ${note}`);
  console.log(describeArchitecture(converted.architecture));
  console.log(
    `wrote ${out}/model.json + ${model.shards.length} shard(s), ${formatBytes(bytes)} ${dtype}, ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

async function readClassNames(path: string, numClasses: number): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const names = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (!Array.isArray(names) || names.length !== numClasses || !names.every((n) => typeof n === 'string')) {
    throw new SettingsError(`${path} must be a JSON list of ${numClasses} class names.`);
  }
  return names as string[];
}
