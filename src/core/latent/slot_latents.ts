/**
 * Latents as one array per slot ([batch, slotSize] each) and back: the form edits, variations and
 * crossbreeds work in, whatever the family stores where.
 */
import { latentSlots, type Architecture } from '../config/architecture';
import type { Latents } from './latent_request';

/** Where a family keeps each slot's values (a record knows this without the model). */
export interface SlotLayout {
  /** BigGAN-deep: every slot is a whole z (slot 0 is z, others in slotZ where they differ). */
  wholeZ: boolean;
  slots: number;
  /** Values per slot and sample. */
  size: number;
}

export function slotLayout(arch: Architecture): SlotLayout {
  const slots = latentSlots(arch).length;
  return arch.family === 'biggan-deep'
    ? { wholeZ: true, slots, size: arch.zDim }
    : { wholeZ: false, slots, size: arch.chunkSize };
}

function equal(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** Copies of every slot's values, [batch, slotSize] each. */
export function splitSlots(layout: SlotLayout, latents: Latents): Float32Array[] {
  const { batch, z } = latents;
  const { slots, size } = layout;
  if (layout.wholeZ) return Array.from({ length: slots }, (_, s) => (latents.slotZ[s] ?? z).slice());
  const zDim = slots * size;
  return Array.from({ length: slots }, (_, s) => {
    const out = new Float32Array(batch * size);
    for (let i = 0; i < batch; i++) out.set(z.subarray(i * zDim + s * size, i * zDim + (s + 1) * size), i * size);
    return out;
  });
}

/**
 * The generator's form: hierarchical chunks joined into z; BigGAN-deep's slot 0 as z, and only the
 * slots that differ from it as slotZ, so the plain case is the reference's single z.
 */
export function joinSlots(layout: SlotLayout, perSlot: Float32Array[], batch: number): Latents {
  const { size } = layout;
  if (!layout.wholeZ) {
    const zDim = perSlot.length * size;
    const z = new Float32Array(batch * zDim);
    for (let i = 0; i < batch; i++) {
      perSlot.forEach((v, s) => z.set(v.subarray(i * size, (i + 1) * size), i * zDim + s * size));
    }
    return { batch, z, slotZ: new Array(perSlot.length).fill(undefined) };
  }
  const z = perSlot[0].slice();
  return { batch, z, slotZ: perSlot.map((v, s) => (s === 0 || equal(v, perSlot[0]) ? undefined : v)) };
}
