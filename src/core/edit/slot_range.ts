/** Ranges of latent slots as people write them: "3", "0-2", "all". */
import { latentSlots, type Architecture } from '../config/architecture';
import { SettingsError } from '../errors';

/** Slot indices, ascending, each at most once. */
export type SlotList = number[];

export function parseSlotRange(text: string, arch: Architecture): SlotList {
  const count = latentSlots(arch).length;
  const t = text.trim().toLowerCase();
  if (t === 'all') return Array.from({ length: count }, (_, i) => i);
  const m = /^(\d+)(?:-(\d+))?$/.exec(t);
  if (!m) throw new SettingsError(`A slot range is a slot number, "from-to" or "all"; got '${text}'.`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > to || to >= count) {
    throw new SettingsError(`Slot range '${text}' is not within this model's slots 0 to ${count - 1}.`);
  }
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** The inverse of parseSlotRange for contiguous lists ("0-2", "3", "all"). */
export function formatSlotRange(slots: SlotList, arch: Architecture): string {
  const count = latentSlots(arch).length;
  if (slots.length === count && slots.every((s, i) => s === i)) return 'all';
  return slots.length === 1 ? `${slots[0]}` : `${slots[0]}-${slots[slots.length - 1]}`;
}

/** Checks that `slots` is a non-empty ascending list of slots 0 to count - 1. */
export function checkSlotList(slots: readonly number[], count: number): void {
  const ok =
    slots.length > 0 &&
    slots.every((s, i) => Number.isInteger(s) && s >= 0 && s < count && (i === 0 || s > slots[i - 1]));
  if (!ok)
    throw new SettingsError(
      `Slots [${slots.join(', ')}] are not an ascending list of this model's slots 0 to ${count - 1}.`,
    );
}
