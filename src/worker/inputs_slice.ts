/** Cutting a walk's inputs into the chunks the worker draws one at a time, and checking its ends. */
import { zDimOf, type Architecture } from '../core/config/architecture';
import { SettingsError } from '../core/errors';
import { slotSize } from '../core/latent/latent_request';
import type { RawInputs } from '../core/sampling/sample';
import type { InterpolationJob } from './protocol';

/** Rows [start, start + n) of `inputs` (views, no copies). */
export function sliceInputs(inputs: RawInputs, start: number, n: number): RawInputs {
  const rows = (v: Float32Array) => {
    const width = v.length / inputs.batch;
    return v.subarray(start * width, (start + n) * width);
  };
  return {
    z: rows(inputs.z),
    classVector: rows(inputs.classVector),
    batch: n,
    truncation: inputs.truncation,
    slotZ: inputs.slotZ?.map((v) => (v ? rows(v) : undefined)),
  };
}

/** Both ends must fit the model in use (the page checks too; this guards the worker). */
export function checkEndpoints(arch: Architecture, job: InterpolationJob): void {
  for (const [name, e] of [
    ['A', job.a],
    ['B', job.b],
  ] as const) {
    if (e.z.length !== zDimOf(arch))
      throw new SettingsError(`Sample ${name} has a z of ${e.z.length} values; this model needs ${zDimOf(arch)}.`);
    for (const v of e.slotZ ?? []) {
      if (v && v.length !== slotSize(arch))
        throw new SettingsError(`Sample ${name} has a per-block z of the wrong size.`);
    }
    for (const c of e.classes) {
      if (c.index >= arch.numClasses)
        throw new SettingsError(`Sample ${name} uses class ${c.index}; this model has ${arch.numClasses}.`);
    }
  }
}

/** Exact latents sent for drawing must have the model's sizes, row for row. */
export function checkRawInputs(arch: Architecture, inputs: RawInputs): void {
  const { batch } = inputs;
  if (!Number.isInteger(batch) || batch < 1 || batch > 64)
    throw new SettingsError(`A batch of exact latents has 1 to 64 samples; got ${batch}.`);
  if (inputs.z.length !== batch * zDimOf(arch))
    throw new SettingsError(`z has ${inputs.z.length} values; ${batch} samples need ${batch * zDimOf(arch)}.`);
  if (inputs.classVector.length !== batch * arch.numClasses)
    throw new SettingsError(`The class vectors have the wrong size for this model.`);
  for (const v of inputs.slotZ ?? [])
    if (v && v.length !== batch * slotSize(arch)) throw new SettingsError('A per-block z has the wrong size.');
}
