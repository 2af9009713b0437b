/**
 * BigGAN-deep's config.json (huggingface/pytorch-pretrained-BigGAN) read, inferred and checked
 * against the tensors.
 */
import type { BigGanDeepArchitecture, DeepLayer } from './architecture';
import { ConfigError } from '../errors';

/** The fields of a released config.json that we use. */
export interface DeepConfigJson {
  z_dim: number;
  class_embed_dim: number;
  channel_width: number;
  num_classes: number;
  layers: [boolean, number, number][];
  attention_layer_position: number;
  eps: number;
  n_stats: number;
  output_dim?: number;
}

export const DEEP_DEFAULT_EPS = 1e-4;
export const DEEP_DEFAULT_N_STATS = 51;

function num(obj: Record<string, unknown>, key: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConfigError(`config.json: '${key}' must be a number, found ${JSON.stringify(v)}.`);
  }
  return v;
}

/** Parses and type-checks a BigGAN-deep config.json text. */
export function parseDeepConfig(text: string): DeepConfigJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config.json is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('config.json must hold a JSON object.');
  const o = raw as Record<string, unknown>;
  const layers = o.layers;
  if (
    !Array.isArray(layers) ||
    !layers.every(
      (l) =>
        Array.isArray(l) &&
        l.length === 3 &&
        typeof l[0] === 'boolean' &&
        typeof l[1] === 'number' &&
        typeof l[2] === 'number',
    )
  ) {
    throw new ConfigError("config.json: 'layers' must be a list of [upsample, in_mult, out_mult] triples.");
  }
  return {
    z_dim: num(o, 'z_dim'),
    class_embed_dim: num(o, 'class_embed_dim'),
    channel_width: num(o, 'channel_width'),
    num_classes: num(o, 'num_classes'),
    layers: layers as [boolean, number, number][],
    attention_layer_position: num(o, 'attention_layer_position'),
    eps: o.eps === undefined ? DEEP_DEFAULT_EPS : num(o, 'eps'),
    n_stats: o.n_stats === undefined ? DEEP_DEFAULT_N_STATS : num(o, 'n_stats'),
    output_dim: o.output_dim === undefined ? undefined : num(o, 'output_dim'),
  };
}

export function resolutionOf(layers: DeepLayer[]): number {
  return 4 * 2 ** layers.filter((l) => l.upsample).length;
}

/** Turns a config.json into our architecture description. */
export function deepArchitectureFromConfig(c: DeepConfigJson): BigGanDeepArchitecture {
  const layers = c.layers.map(([upsample, inMult, outMult]) => ({
    upsample,
    inChannels: inMult * c.channel_width,
    outChannels: outMult * c.channel_width,
  }));
  const resolution = resolutionOf(layers);
  if (c.output_dim !== undefined && c.output_dim !== resolution) {
    throw new ConfigError(`config.json: output_dim is ${c.output_dim} but its layers upsample to ${resolution} px.`);
  }
  return {
    family: 'biggan-deep',
    resolution,
    zDim: c.z_dim,
    classEmbedDim: c.class_embed_dim,
    numClasses: c.num_classes,
    channelWidth: c.channel_width,
    layers,
    attentionPosition: c.attention_layer_position,
    eps: c.eps,
    nStats: c.n_stats,
  };
}

/** Reports the first field where a config.json and the architecture read off the tensors differ. */
export function checkDeepConfigMatches(fromConfig: BigGanDeepArchitecture, fromTensors: BigGanDeepArchitecture): void {
  const fields: [string, unknown, unknown][] = [
    ['z_dim', fromConfig.zDim, fromTensors.zDim],
    ['class_embed_dim', fromConfig.classEmbedDim, fromTensors.classEmbedDim],
    ['num_classes', fromConfig.numClasses, fromTensors.numClasses],
    ['channel_width', fromConfig.channelWidth, fromTensors.channelWidth],
    ['n_stats', fromConfig.nStats, fromTensors.nStats],
    ['attention_layer_position', fromConfig.attentionPosition, fromTensors.attentionPosition],
    ['number of layers', fromConfig.layers.length, fromTensors.layers.length],
  ];
  for (const [name, a, b] of fields) {
    if (a !== b) {
      throw new ConfigError(
        `config.json says ${name} = ${a}, but the checkpoint's tensors say ${b}. ` +
          'Use the config.json that was released with this checkpoint (or omit it to infer the config).',
      );
    }
  }
  fromConfig.layers.forEach((l, i) => {
    const t = fromTensors.layers[i];
    if (l.inChannels !== t.inChannels || l.outChannels !== t.outChannels) {
      throw new ConfigError(
        `config.json layer ${i} maps ${l.inChannels} -> ${l.outChannels} channels, but the checkpoint's ` +
          `tensors map ${t.inChannels} -> ${t.outChannels}. This config belongs to another model.`,
      );
    }
  });
}
