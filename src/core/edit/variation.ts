/**
 * Variations of a sample (Ganbreeder's "children"): z' = z + strength * noise, on every slot or on
 * chosen ones, the noise drawn from a seed so every child can be made again from its record.
 * Optionally one class weight changes at random, from the same seed.
 */
import { latentSlots, type Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { MAX_BLEND, type ClassWeight } from '../latent/class_vector';
import { checkSeed, type Latents } from '../latent/latent_request';
import { Rng } from '../latent/rng';
import { joinSlots, slotLayout, splitSlots } from '../latent/slot_latents';
import { checkSlotList } from './slot_range';

export const MAX_VARIATION_STRENGTH = 2;

export interface VariationSpec {
  seed: number;
  /** Standard deviation of the added noise, 0 to 2. */
  strength: number;
  /** Slots to vary, ascending; all when absent. */
  slots?: number[];
  /** Also change one class weight at random. */
  classChange?: boolean;
}

/** Streams of the variation seed: one per slot for the noise, one past them for the class change. */
const CLASS_STREAM = 0x7fff;

export function checkVariation(spec: VariationSpec, arch: Architecture): void {
  checkSeed(spec.seed);
  if (!Number.isFinite(spec.strength) || spec.strength < 0 || spec.strength > MAX_VARIATION_STRENGTH) {
    throw new SettingsError(`A variation strength must be from 0 to ${MAX_VARIATION_STRENGTH}; got ${spec.strength}.`);
  }
  if (spec.slots) checkSlotList(spec.slots, latentSlots(arch).length);
}

/**
 * The varied latents. Hierarchical slots get independent noise (stream = slot); BigGAN-deep's
 * slots all get stream 0, so slots that share one z keep sharing it.
 */
export function varyLatents(arch: Architecture, latents: Latents, spec: VariationSpec): Latents {
  checkVariation(spec, arch);
  const perSlot = splitSlots(slotLayout(arch), latents);
  const chosen = spec.slots ?? perSlot.map((_, s) => s);
  for (const s of chosen) {
    const rng = new Rng(spec.seed, arch.family === 'biggan-deep' ? 0 : s);
    const row = perSlot[s];
    for (let j = 0; j < row.length; j++) row[j] = row[j] + spec.strength * rng.normal();
  }
  return joinSlots(slotLayout(arch), perSlot, latents.batch);
}

/**
 * One class weight changed at random: a class drawn from the model's classes gets a weight from
 * 0.25 to 0.75 of the blend's largest; it joins the blend, or replaces the weakest when the blend
 * is full. Drawing a class already in the blend re-weights it.
 */
export function varyClasses(classes: readonly ClassWeight[], numClasses: number, seed: number): ClassWeight[] {
  checkSeed(seed);
  const rng = new Rng(seed, CLASS_STREAM);
  const index = rng.below(numClasses);
  const top = Math.max(...classes.map((c) => c.weight));
  const weight = top * (0.25 + 0.5 * rng.uniform());
  const out = classes.map((c) => ({ ...c }));
  const same = out.find((c) => c.index === index);
  if (same) same.weight = weight;
  else if (out.length < MAX_BLEND) out.push({ index, weight });
  else {
    let weakest = 0;
    for (let i = 1; i < out.length; i++) if (out[i].weight < out[weakest].weight) weakest = i;
    out[weakest] = { index, weight };
  }
  return out;
}
