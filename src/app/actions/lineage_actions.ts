/**
 * Where the current sample came from: a variation or crossbreed child becomes the current sample
 * as exact per-slot values (they win over seeds), and a restored record brings its edits and
 * origin back. Changing the seed, or a slot's seed, lets go of the exact values again.
 */
import { editsFromRecord } from '../../core/edit/edit_record';
import { formatSlotRange } from '../../core/edit/slot_range';
import type { SampleRecord } from '../../core/export/sample_record';
import { recordDrawnLatents } from '../../core/export/sample_record';
import type { ClassWeight } from '../../core/latent/class_vector';
import type { Latents } from '../../core/latent/latent_request';
import { slotLayout, splitSlots } from '../../core/latent/slot_latents';
import type { LineageSlice } from '../store/lineage_slice';
import type { SlotState } from '../store/settings_slice';
import type { AppState } from '../store/store';
import { useStore } from '../store/store';

/** The key of a direction: its slot range and its rank there ("0-2:3"). */
export function directionKey(range: string, index: number | undefined): string {
  return `${range}:${index ?? '?'}`;
}

/** Makes a child (one sample's latents, before edits) the current sample, alone: exact values would repeat it across a batch. */
export function makeChildCurrent(
  latents: Latents,
  classes: ClassWeight[],
  origin: NonNullable<LineageSlice['origin']>,
): void {
  const s = useStore.getState();
  const arch = s.modelInfo?.architecture;
  if (!arch) return;
  const perSlot = splitSlots(slotLayout(arch), latents);
  const slots: SlotState[] = perSlot.map((values) => ({ locked: false, strength: 1, values }));
  useStore.setState({ slots, classes: classes.map((c) => ({ ...c })), current: 0, batch: 1, origin });
}

/** After a record's settings are applied: its edits, and for a child its exact latents and origin. */
export function restoreLineage(record: SampleRecord): void {
  const s = useStore.getState();
  const arch = s.modelInfo?.architecture;
  if (!arch) return;
  const edits = editsFromRecord(record.edits).map((e) => ({
    ...e,
    key: directionKey(formatSlotRange(e.slots, arch), e.index),
  }));
  const origin =
    record.variation || record.crossbreed ? { variation: record.variation, crossbreed: record.crossbreed } : null;
  if (!origin) {
    useStore.setState({ edits, origin: null });
    return;
  }
  const drawn = recordDrawnLatents(record);
  const perSlot = splitSlots(slotLayout(arch), { batch: 1, z: drawn.z, slotZ: drawn.slotZ ?? [] });
  useStore.setState((st) => ({
    edits,
    origin,
    batch: 1,
    current: 0,
    slots: st.slots.map((x, i) => ({ ...x, strength: 1, values: perSlot[i] })),
  }));
}

/** Clears what no longer applies when the seed, a slot's seed or the model changes. */
export function followLineage(s: AppState, prev: AppState): void {
  if (s.modelInfo !== prev.modelInfo && s.modelInfo?.topology.contentHash !== prev.modelInfo?.topology.contentHash) {
    useStore.setState({
      dirRange: '0',
      directions: null,
      dirStatus: 'idle',
      edits: [],
      extraDirections: [],
      variations: [],
      origin: null,
      crossA: null,
      crossB: null,
      crossPick: null,
    });
    return;
  }
  const seedMoved = s.seed !== prev.seed;
  const slotSeedMoved = s.slots.some((x, i) => x.values && prev.slots[i] && x.seed !== prev.slots[i].seed);
  if (!seedMoved && !slotSeedMoved) return;
  if (!s.slots.some((x) => x.values)) return;
  useStore.setState((st) => ({
    slots: st.slots.map((x, i) => (seedMoved || x.seed !== prev.slots[i]?.seed ? { ...x, values: undefined } : x)),
    origin: null,
  }));
}

let watching = false;

export function watchLineage(): void {
  if (watching) return;
  watching = true;
  useStore.subscribe(followLineage);
}
