/**
 * Direction edits: `amount` times a unit direction added to the z of each slot in a range, before
 * the generator runs. The arithmetic is float32 step by step (Math.fround), so the page, the worker
 * and the CLI get bit-identical latents from the same record.
 */
import type { Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { type Latents } from '../latent/latent_request';
import { checkSlotList } from './slot_range';
import { joinSlots, slotLayout, splitSlots, type SlotLayout } from '../latent/slot_latents';

export const MAX_EDIT_AMOUNT = 3;
/** More edits than this in one sample is a damaged record, not a use. */
export const MAX_EDITS = 64;
/** Directions are unit vectors; a value past this is not one. */
export const MAX_DIRECTION_VALUE = 10;

export interface DirectionEdit {
  /** The slots the direction was computed for and is added to, ascending. */
  slots: number[];
  /** The direction, slotSize values (a unit vector for SeFa directions). */
  vector: ArrayLike<number>;
  /** In [-3, 3]. */
  amount: number;
  /** Which of the range's directions (0 = strongest), when it came from `biggan directions` or the panel. */
  index?: number;
  /** The user's name for it ("zoom"). */
  name?: string;
}

export function checkEdit(edit: DirectionEdit, layout: SlotLayout): void {
  const { size } = layout;
  checkSlotList(edit.slots, layout.slots);
  if (edit.vector.length !== size)
    throw new SettingsError(`A direction for this model has ${size} values; got ${edit.vector.length}.`);
  for (let i = 0; i < size; i++) {
    const v = edit.vector[i];
    if (!Number.isFinite(v) || Math.abs(v) > MAX_DIRECTION_VALUE)
      throw new SettingsError(`Direction values must be finite numbers within ±${MAX_DIRECTION_VALUE}; got ${v}.`);
  }
  if (!Number.isFinite(edit.amount) || Math.abs(edit.amount) > MAX_EDIT_AMOUNT) {
    throw new SettingsError(
      `A direction amount must be within -${MAX_EDIT_AMOUNT} to +${MAX_EDIT_AMOUNT}; got ${edit.amount}.`,
    );
  }
}

/** New latents with every edit added to every sample of the batch; `latents` is unchanged. */
export function applyEdits(arch: Architecture, latents: Latents, edits: readonly DirectionEdit[]): Latents {
  return applyEditsIn(slotLayout(arch), latents, edits);
}

/** applyEdits for a layout known without the model (a record's family and sizes). */
export function applyEditsIn(layout: SlotLayout, latents: Latents, edits: readonly DirectionEdit[]): Latents {
  if (edits.length > MAX_EDITS) throw new SettingsError(`At most ${MAX_EDITS} direction edits; got ${edits.length}.`);
  for (const e of edits) checkEdit(e, layout);
  const active = edits.filter((e) => e.amount !== 0);
  if (active.length === 0) return latents;
  const perSlot = splitSlots(layout, latents);
  const { size } = layout;
  for (const e of active) {
    const step = Float32Array.from(e.vector, (v) => Math.fround(e.amount * Math.fround(v)));
    for (const s of e.slots) {
      const row = perSlot[s];
      for (let j = 0; j < row.length; j++) row[j] = Math.fround(row[j] + step[j % size]);
    }
  }
  return joinSlots(layout, perSlot, latents.batch);
}
