/**
 * From a seed and per-slot settings to the latents a generator takes.
 *
 * Each latent slot (latentSlots(): the first linear layer, then every block) draws from its own
 * random stream of the seed, so a slot can be locked to another seed, resampled or scaled without
 * touching the others. For BigGAN a slot is its z chunk and z is the chunks joined; for BigGAN-deep,
 * which feeds all of z to every layer, a slot is a whole z of its own, and slots that follow the
 * sample's seed share slot 0's z, which makes the plain case equal to the reference's single z.
 * Sample i of a batch uses seed + i for every slot that is not pinned.
 */
import { isHierarchical, latentSlots, type Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { Rng } from './rng';
import { joinSlots, slotLayout } from './slot_latents';
import { sampleTruncated, type TruncationMode } from './truncation';

export interface SlotSetting {
  /** Pin this slot to a seed of its own (a locked or individually resampled chunk). */
  seed?: number;
  /** Multiplies the slot's values; 1 leaves them as drawn. */
  strength?: number;
  /** Exact values for this slot, [slotSize] (restoring a saved sample). */
  values?: Float32Array;
}

export interface LatentRequest {
  seed: number;
  truncation: number;
  mode: TruncationMode;
  batch?: number;
  slots?: (SlotSetting | undefined)[];
}

export interface Latents {
  batch: number;
  /** [batch, zDim], row-major. */
  z: Float32Array;
  /** Per slot, [batch, slotSize] where it differs from what z gives that slot (BigGAN-deep only). */
  slotZ: (Float32Array | undefined)[];
}

/** The largest seed: seeds are 32-bit unsigned integers, 0 to MAX_SEED. */
export const MAX_SEED = 2 ** 32 - 1;

/** The seed of sample `i` of a batch (or strip, or walk) that starts at `seed`, wrapping past MAX_SEED to 0. */
export function sampleSeed(seed: number, i: number): number {
  return (seed + i) % (MAX_SEED + 1);
}

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new SettingsError(`A seed must be a whole number from 0 to ${MAX_SEED}; got ${seed}.`);
  }
}

/** The values of one slot for one seed. */
export function drawSlot(
  seed: number,
  slot: number,
  size: number,
  truncation: number,
  mode: TruncationMode,
): Float32Array {
  const out = new Float32Array(size);
  sampleTruncated(new Rng(seed, slot), out, truncation, mode);
  return out;
}

export function slotSize(arch: Architecture): number {
  return isHierarchical(arch) ? arch.chunkSize : arch.zDim;
}

/** A slot's values for one sample: its own values or seed if it has them, scaled by its strength. */
function slotValues(arch: Architecture, req: LatentRequest, slot: number, sampleSeed: number): Float32Array {
  const size = slotSize(arch);
  const s = req.slots?.[slot];
  let v: Float32Array;
  if (s?.values) {
    if (s.values.length !== size)
      throw new SettingsError(`Latent slot ${slot} needs ${size} values; got ${s.values.length}.`);
    v = s.values.slice();
  } else {
    if (s?.seed !== undefined) checkSeed(s.seed);
    // BigGAN's chunks are separate draws; BigGAN-deep's slots are all whole z's from stream 0, so
    // a slot pinned to the seed it had keeps exactly the z it had.
    const stream = isHierarchical(arch) ? slot : 0;
    v = drawSlot(s?.seed ?? sampleSeed, stream, size, req.truncation, req.mode);
  }
  const k = s?.strength ?? 1;
  if (!Number.isFinite(k) || k < 0) throw new SettingsError(`Latent slot ${slot} strength must be >= 0; got ${k}.`);
  if (k !== 1) for (let i = 0; i < v.length; i++) v[i] *= k;
  return v;
}

export function sampleLatents(arch: Architecture, req: LatentRequest): Latents {
  checkSeed(req.seed);
  const batch = req.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1)
    throw new SettingsError(`Batch size must be a whole number >= 1; got ${batch}.`);
  const slots = latentSlots(arch).length;
  const size = slotSize(arch);
  const perSlot: Float32Array[] = Array.from({ length: slots }, () => new Float32Array(batch * size));
  for (let i = 0; i < batch; i++) {
    const seed = sampleSeed(req.seed, i);
    for (let s = 0; s < slots; s++) perSlot[s].set(slotValues(arch, req, s, seed), i * size);
  }
  return joinSlots(slotLayout(arch), perSlot, batch);
}
