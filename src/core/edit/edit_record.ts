/**
 * What a sample record says about edits, variations and crossbreeds (their fields are checked in
 * export/record_fields.ts, their sizes against the model here). The record's
 * z stays the drawn latent (for a variation or crossbreed child, the child's latent before edits);
 * the edits carry their direction vectors, so the record alone makes the sample again, without the
 * model's directions being computed first.
 */
import type { Architecture } from '../config/architecture';
import type { ClassWeight } from '../latent/class_vector';
import type { Latents } from '../latent/latent_request';
import type { SlotLayout } from '../latent/slot_latents';
import { applyEditsIn, type DirectionEdit } from './latent_edits';

/** A parent as a child's record names it: enough to find it in the history and to describe it. */
export interface ParentRef {
  /** lineageId() of the parent's record. */
  id: string;
  seed: number;
  classes: ClassWeight[];
}

export interface EditRecord {
  slots: number[];
  amount: number;
  vector: number[];
  index?: number;
  name?: string;
}

export interface VariationRecord {
  seed: number;
  strength: number;
  slots?: number[];
  classChange?: boolean;
  parent: ParentRef;
}

export interface CrossbreedRecord {
  parents: [ParentRef, ParentRef];
  /** 'a' or 'b' per slot. */
  pick: string;
  /** 0 keeps A's classes, 1 B's. */
  classMix: number;
  /** The seed the pick was drawn from, when it was random. */
  seed?: number;
}

/** The record fields this file adds. */
export interface LineageFields {
  edits?: EditRecord[];
  variation?: VariationRecord;
  crossbreed?: CrossbreedRecord;
}

type Fail = (what: string) => never;

/** Checks the sizes of those fields against the model a record is used with. */
export function checkLineageFits(r: LineageFields, arch: Architecture, layout: SlotLayout, fail: Fail): void {
  for (const e of r.edits ?? []) {
    if (e.slots[e.slots.length - 1] >= layout.slots)
      fail(`an edit names slot ${e.slots[e.slots.length - 1]}; this model has ${layout.slots}`);
    if (e.vector.length !== layout.size)
      fail(`an edit direction has ${e.vector.length} values; this model's slots have ${layout.size}`);
  }
  const tooFar = (slots?: number[]) => slots !== undefined && slots[slots.length - 1] >= layout.slots;
  if (tooFar(r.variation?.slots)) fail('the variation names a slot this model does not have');
  if (r.crossbreed && r.crossbreed.pick.length !== layout.slots)
    fail(`the crossbreed picks ${r.crossbreed.pick.length} slots; this model has ${layout.slots}`);
  for (const p of [r.variation?.parent, ...(r.crossbreed?.parents ?? [])]) {
    for (const c of p?.classes ?? [])
      if (c.index >= arch.numClasses) fail(`a parent's class ${c.index} does not exist in this model`);
  }
}

/** The layout a record's own z implies (slots as the record lists them). */
export function recordLayout(family: Architecture['family'], zLength: number, slots: number): SlotLayout {
  return family === 'biggan-deep'
    ? { wholeZ: true, slots, size: zLength }
    : { wholeZ: false, slots, size: zLength / slots };
}

export function editsFromRecord(edits: readonly EditRecord[] | undefined): DirectionEdit[] {
  return (edits ?? []).map((e) => ({ ...e, slots: [...e.slots], vector: Float32Array.from(e.vector) }));
}

export function editsToRecord(edits: readonly DirectionEdit[]): EditRecord[] {
  return edits
    .filter((e) => e.amount !== 0)
    .map((e) => ({
      slots: [...e.slots],
      amount: e.amount,
      vector: Array.from(Float32Array.from(e.vector)),
      ...(e.index !== undefined ? { index: e.index } : {}),
      ...(e.name ? { name: e.name } : {}),
    }));
}

/** The generator's latents for a record: its stored z with its edits added. */
export function editedLatents(layout: SlotLayout, drawn: Latents, edits: readonly EditRecord[] | undefined): Latents {
  return applyEditsIn(layout, drawn, editsFromRecord(edits));
}

/** 64-bit FNV-1a over text, as 16 hex digits. */
function fnv64(text: string): string {
  let h1 = 0x84222325;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // h = (h ^ c) * 0x100000001b3, in two 32-bit halves.
    const l = (h1 ^ (c & 0xff)) >>> 0;
    const lo = l * 0x1b3;
    const hi = h2 * 0x1b3 + l * 0x100 + Math.floor(lo / 2 ** 32);
    h1 = lo >>> 0;
    h2 = hi >>> 0;
    if (c > 0xff) {
      const l2 = (h1 ^ (c >>> 8)) >>> 0;
      const lo2 = l2 * 0x1b3;
      h2 = (h2 * 0x1b3 + l2 * 0x100 + Math.floor(lo2 / 2 ** 32)) >>> 0;
      h1 = lo2 >>> 0;
    }
  }
  return h2.toString(16).padStart(8, '0') + h1.toString(16).padStart(8, '0');
}

/** Identifies a sample by what it looks like: model, classes, truncation, latents and edits. */
export function lineageId(r: {
  model: { hash: string };
  classes: ClassWeight[];
  truncation: number;
  mode: string;
  z: number[];
  slotZ?: (number[] | null)[];
  edits?: EditRecord[];
}): string {
  const edits = (r.edits ?? []).map((e) => [e.slots, e.amount, e.vector]);
  return fnv64(
    JSON.stringify([
      r.model.hash,
      r.classes.map((c) => [c.index, c.weight]),
      r.truncation,
      r.mode,
      r.z,
      r.slotZ ?? null,
      edits,
    ]),
  );
}

export function parentRef(r: Parameters<typeof lineageId>[0] & { seed: number }): ParentRef {
  return { id: lineageId(r), seed: r.seed, classes: r.classes.map((c) => ({ index: c.index, weight: c.weight })) };
}
