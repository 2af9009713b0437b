/**
 * The variations grid (children of the current sample: its z plus seeded noise, optionally one
 * class changed) and crossbreeding two samples (each slot's z from A or B, classes blended). Both
 * are drawn from exact latents by the worker; clicking a child makes it the current sample.
 */
import { latentSlots } from '../../core/config/architecture';
import { blendClasses, crossLatents, randomPick } from '../../core/edit/crossbreed';
import { parentRef, type CrossbreedRecord, type VariationRecord } from '../../core/edit/edit_record';
import { applyEdits } from '../../core/edit/latent_edits';
import { varyClasses, varyLatents, type VariationSpec } from '../../core/edit/variation';
import { recordDrawnLatents, type SampleRecord } from '../../core/export/sample_record';
import { classVector, type ClassWeight } from '../../core/latent/class_vector';
import { sampleSeed, type Latents } from '../../core/latent/latent_request';
import { joinSlots, slotLayout, splitSlots } from '../../core/latent/slot_latents';
import { CancelledError } from '../../core/errors';
import type { RawInputs } from '../../core/sampling/sample';
import { recordForView } from '../export/view_record';
import type { VariationChild } from '../store/lineage_slice';
import { useStore } from '../store/store';
import { makeChildCurrent } from './lineage_actions';
import { errorText, notify, worker } from './worker_link';

export const VARIATION_COUNT = 8;
let inflight: number | null = null;

function drawnLatents(r: SampleRecord): Latents {
  const d = recordDrawnLatents(r);
  return { batch: 1, z: d.z, slotZ: d.slotZ ?? [] };
}

function variationSpec(seed: number): VariationSpec {
  const s = useStore.getState();
  return {
    seed,
    strength: s.variationStrength,
    ...(s.variationSlots === 'all' ? {} : { slots: [s.variationSlots] }),
    ...(s.variationClassChange ? { classChange: true } : {}),
  };
}

/** Several one-sample latents (with the current edits added) as one batch for the worker. */
function batchInputs(children: { latents: Latents; classes: ClassWeight[] }[]): RawInputs {
  const s = useStore.getState();
  const arch = s.modelInfo!.architecture;
  const layout = slotLayout(arch);
  const rows = children.map((c) => splitSlots(layout, applyEdits(arch, c.latents, s.edits)));
  const perSlot = rows[0].map((_, slot) => {
    const out = new Float32Array(children.length * layout.size);
    rows.forEach((r, i) => out.set(r[slot], i * layout.size));
    return out;
  });
  const joined = joinSlots(layout, perSlot, children.length);
  const classVectors = new Float32Array(children.length * arch.numClasses);
  children.forEach((c, i) => classVectors.set(classVector(arch.numClasses, c.classes), i * arch.numClasses));
  return {
    z: joined.z,
    slotZ: joined.slotZ,
    classVector: classVectors,
    batch: children.length,
    truncation: s.truncation,
  };
}

/** Fills the grid with children of the current sample; `fresh` moves on to new seeds. */
export function makeVariations(fresh = false): void {
  const s = useStore.getState();
  const info = s.modelInfo;
  const parent = recordForView(s, s.current);
  if (!info || !parent) return;
  const arch = info.architecture;
  const base = fresh ? s.variationBase + VARIATION_COUNT : s.variationBase;
  const drawn = drawnLatents(parent);
  const children: VariationChild[] = Array.from({ length: VARIATION_COUNT }, (_, k) => {
    const spec = variationSpec(sampleSeed(base, k));
    return {
      seed: spec.seed,
      latents: varyLatents(arch, drawn, spec),
      classes: spec.classChange
        ? varyClasses(parent.classes, arch.numClasses, spec.seed)
        : parent.classes.map((c) => ({ index: c.index, weight: c.weight })),
      rgba: null,
      width: arch.resolution,
      height: arch.resolution,
    };
  });
  useStore.setState({ variations: children, variationBase: base, variationParent: parent });
  const client = worker();
  if (inflight !== null) client.cancel(inflight);
  const call = client.request({ type: 'renderLatents', inputs: batchInputs(children) }, (p) => {
    useStore.setState((st) => ({
      variations:
        st.variations === children || st.variations.length === children.length
          ? st.variations.map((c, i) => (i === p.index ? { ...c, rgba: p.rgba, width: p.width, height: p.height } : c))
          : st.variations,
    }));
  });
  inflight = call.id;
  call.promise.then(
    () => {
      if (inflight === call.id) inflight = null;
    },
    (e: unknown) => {
      if (inflight !== call.id || e instanceof CancelledError) return;
      inflight = null;
      notify('error', `The variations could not be drawn: ${errorText(e)}`);
    },
  );
}

/** Makes grid child k the current sample; its record names the parent and the variation's seed. */
export function pickVariation(k: number): void {
  const s = useStore.getState();
  const child = s.variations[k];
  const parent = s.variationParent;
  if (!child || !parent) return;
  const spec = variationSpec(child.seed);
  const variation: VariationRecord = { ...spec, strength: s.variationStrength, parent: parentRef(parent) };
  makeChildCurrent(child.latents, child.classes, { variation });
}

/** The record of grid child k, as it would be if it were current (for picking it as a parent). */
export function variationRecord(k: number): SampleRecord | null {
  const s = useStore.getState();
  const child = s.variations[k];
  const parent = s.variationParent;
  if (!child || !parent) return null;
  const arch = s.modelInfo!.architecture;
  const layout = slotLayout(arch);
  const joined = joinSlots(layout, splitSlots(layout, child.latents), 1);
  return {
    ...parent,
    classes: child.classes,
    z: Array.from(joined.z),
    ...(joined.slotZ.some((v) => v)
      ? { slotZ: joined.slotZ.map((v) => (v ? Array.from(v) : null)) }
      : { slotZ: undefined }),
    variation: { ...variationSpec(child.seed), parent: parentRef(parent) },
    crossbreed: undefined,
  };
}

export function pickParent(which: 'a' | 'b', record: SampleRecord | null): void {
  if (!record) return;
  useStore.setState(which === 'a' ? { crossA: record } : { crossB: record });
}

/** The two parents: picked here, or else the interpolation's A and B (picked from the history). */
export function crossParents(): [SampleRecord | null, SampleRecord | null] {
  const s = useStore.getState();
  return [s.crossA ?? s.interpA?.record ?? null, s.crossB ?? s.interpB?.record ?? null];
}

/** Flips which parent slot `slot` comes from (starting from all A when the pick was random). */
export function toggleCrossSlot(slot: number): void {
  const s = useStore.getState();
  const n = s.modelInfo?.slots.length ?? 0;
  const pick = s.crossPick?.length === n ? s.crossPick : 'a'.repeat(n);
  useStore.setState({ crossPick: pick.slice(0, slot) + (pick[slot] === 'a' ? 'b' : 'a') + pick.slice(slot + 1) });
}

/** A child of A and B: each slot's z from one of them (as picked, or a seeded random pick), classes blended by crossMix. */
export function crossbreed(seed = Math.floor(Math.random() * 2 ** 32)): void {
  const s = useStore.getState();
  const arch = s.modelInfo?.architecture;
  const [a, b] = crossParents();
  if (!arch || !a || !b) {
    notify('warning', 'Pick two parents first (A and B, from the variations or the history).');
    return;
  }
  if (a.model.hash !== s.modelInfo!.topology.contentHash || b.model.hash !== s.modelInfo!.topology.contentHash) {
    notify('error', 'Both parents must come from the model in use. Nothing was changed.');
    return;
  }
  const chosen = s.crossPick?.length === latentSlots(arch).length ? s.crossPick : null;
  let pick = chosen ?? randomPick(arch, seed);
  // A random pick of one parent only would copy it: make sure each parent gives at least one slot.
  if (!chosen && (!pick.includes('a') || !pick.includes('b'))) pick = `a${'b'.repeat(latentSlots(arch).length - 1)}`;
  const crossbreed: CrossbreedRecord = {
    parents: [parentRef(a), parentRef(b)],
    pick,
    classMix: s.crossMix,
    ...(chosen ? {} : { seed }),
  };
  makeChildCurrent(
    crossLatents(arch, drawnLatents(a), drawnLatents(b), pick),
    blendClasses(a.classes, b.classes, s.crossMix),
    { crossbreed },
  );
}
