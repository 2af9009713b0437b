/**
 * From a state_dict to our model: detect the family, plan, check every key is used, then build the
 * weights in our layout (spectral norm folded, NHWC kernels, 3-filter rgb layer).
 */
import { familyLabel, type Architecture, type Family } from '../config/architecture';
import { parseDeepConfig } from '../config/biggan_deep_config';
import { parseBigGanOverrides } from '../config/biggan_config';
import type { OpenCheckpoint } from '../checkpoint/open_checkpoint';
import type { CheckpointTensor, StateDict } from '../checkpoint/types';
import { CancelledError } from '../errors';
import { planBigGan } from './biggan_plan';
import { planBigGanDeep } from './biggan_deep_plan';
import { planBigGanTfHub } from './biggan_tfhub_plan';
import { detectFamily, stripModulePrefix } from './detect_family';
import { checkCoverage, type ConversionPlan, type ShapeMap } from './plan';

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface ConvertedModel {
  architecture: Architecture;
  weights: NamedWeight[];
  notes: string[];
}

export interface ConvertOptions {
  /** Text of a config.json: BigGAN-deep's released config, or BigGAN-PyTorch arguments (eps overrides). */
  configText?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Plans a conversion from key names and shapes alone (no weights needed). */
export function planConversion(shapes: ShapeMap, configText?: string): ConversionPlan {
  const { keys, prefix } = stripModulePrefix([...shapes.keys()]);
  const unprefixed: ShapeMap = prefix ? new Map(keys.map((k) => [k, shapes.get(prefix + k)!])) : shapes;
  const family = detectFamily(keys);
  const plan = planFamily(family, unprefixed, configText);
  checkCoverage(plan, keys, familyLabel({ family }));
  if (prefix) {
    plan.weights = plan.weights.map((w) => ({
      ...w,
      sources: w.sources.map((k) => prefix + k),
      build: (get, out) => w.build((k) => get(prefix + k), out),
    }));
  }
  return plan;
}

function planFamily(family: Family, shapes: ShapeMap, configText: string | undefined): ConversionPlan {
  switch (family) {
    case 'biggan-deep':
      return planBigGanDeep(shapes, configText === undefined ? undefined : parseDeepConfig(configText));
    case 'biggan':
      return planBigGan(shapes, configText === undefined ? {} : parseBigGanOverrides(configText));
    case 'biggan-tfhub':
      return planBigGanTfHub(shapes);
  }
}

export function shapesOf(stateDict: StateDict): Map<string, number[]> {
  return new Map([...stateDict].map(([k, t]) => [k, t.shape]));
}

/**
 * All weights are views, in order, of one buffer: one allocation instead of hundreds, and the
 * serializer can cut shards from it without copying.
 */
function allocate(plan: ConversionPlan): { weights: NamedWeight[]; total: number } {
  const sizes = plan.weights.map((w) => w.shape.reduce((x, y) => x * y, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const buffer = new Float32Array(total);
  let at = 0;
  const weights = plan.weights.map((w, i) => {
    const data = buffer.subarray(at, at + sizes[i]);
    at += sizes[i];
    return { name: w.name, shape: w.shape, data };
  });
  return { weights, total };
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Conversion cancelled.');
}

export function convertStateDict(stateDict: StateDict, opts: ConvertOptions = {}): ConvertedModel {
  const plan = planConversion(shapesOf(stateDict), opts.configText);
  const get = (key: string) => stateDict.get(key)!;
  const { weights, total } = allocate(plan);
  let done = 0;
  plan.weights.forEach((w, i) => {
    throwIfCancelled(opts.signal);
    w.build(get, weights[i].data);
    done += weights[i].data.length;
    opts.onProgress?.(done, total);
  });
  return { architecture: plan.architecture, weights, notes: plan.notes };
}

/**
 * The same conversion, reading each weight's source tensors from the file just before it is
 * built and dropping them after: peak memory is the converted weights plus one layer's tensors,
 * not the whole state_dict besides (issue 9, "Memory").
 */
export async function convertOpenCheckpoint(
  checkpoint: OpenCheckpoint,
  opts: ConvertOptions = {},
): Promise<ConvertedModel> {
  const plan = planConversion(checkpoint.shapes, opts.configText);
  const { weights, total } = allocate(plan);
  let done = 0;
  for (const [i, w] of plan.weights.entries()) {
    throwIfCancelled(opts.signal);
    const sources = new Map<string, CheckpointTensor>();
    for (const key of w.sources) sources.set(key, await checkpoint.read(key, opts.signal));
    w.build((key) => sources.get(key)!, weights[i].data);
    done += weights[i].data.length;
    opts.onProgress?.(done, total);
  }
  return { architecture: plan.architecture, weights, notes: plan.notes };
}
