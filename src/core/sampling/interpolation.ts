/**
 * The inputs for a walk from sample A to sample B in N steps: z (and BigGAN-deep's per-block z) by
 * slerp, class weights and truncation linearly. `what` keeps the other end fixed at A.
 */
import type { Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { recordLatents, type SampleRecord } from '../export/sample_record';
import { classVector } from '../latent/class_vector';
import { interpolationTimes, lerp, slerp, type InterpolationTarget } from '../latent/interpolate';
import type { RawInputs } from './sample';

export interface Endpoint {
  z: Float32Array;
  slotZ?: (Float32Array | undefined)[];
  classes: { index: number; weight: number }[];
  truncation: number;
}

export const MAX_STEPS = 256;

/** One end of a walk: an exported sample, exactly as its record stores it. */
export function endpointFromRecord(r: SampleRecord): Endpoint {
  return {
    ...recordLatents(r),
    classes: r.classes.map((c) => ({ index: c.index, weight: c.weight })),
    truncation: r.truncation,
  };
}

export function interpolationInputs(
  arch: Architecture,
  a: Endpoint,
  b: Endpoint,
  steps: number,
  what: InterpolationTarget,
): RawInputs {
  if (!Number.isInteger(steps) || steps < 2 || steps > MAX_STEPS) {
    throw new SettingsError(`Steps must be a whole number from 2 to ${MAX_STEPS}; got ${steps}.`);
  }
  const ca = classVector(arch.numClasses, a.classes);
  const cb = classVector(arch.numClasses, b.classes);
  const moveZ = what !== 'class';
  const moveClass = what !== 'z';
  const zDim = a.z.length;
  const slots = Math.max(a.slotZ?.length ?? 0, b.slotZ?.length ?? 0);
  const out: RawInputs = {
    z: new Float32Array(steps * zDim),
    classVector: new Float32Array(steps * arch.numClasses),
    batch: steps,
    truncation: a.truncation,
    slotZ: [],
  };
  const slotZ: (Float32Array | undefined)[] = Array.from({ length: slots }, (_, s) =>
    a.slotZ?.[s] || b.slotZ?.[s] ? new Float32Array(steps * zDim) : undefined,
  );
  interpolationTimes(steps).forEach((t, i) => {
    out.z.set(moveZ ? slerp(a.z, b.z, t) : a.z, i * zDim);
    out.classVector.set(moveClass ? lerp(ca, cb, t) : ca, i * arch.numClasses);
    slotZ.forEach((v, s) => {
      if (!v) return;
      const za = a.slotZ?.[s] ?? a.z;
      const zb = b.slotZ?.[s] ?? b.z;
      v.set(moveZ ? slerp(za, zb, t) : za, i * zDim);
    });
  });
  out.slotZ = slotZ;
  // One forward pass takes one truncation: BigGAN-deep's batch-norm statistics are per batch.
  if (a.truncation !== b.truncation) out.truncation = (a.truncation + b.truncation) / 2;
  return out;
}
