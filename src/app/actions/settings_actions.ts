/** Every user change of the sample's inputs; each one leads to a render (see startup's subscription). */
import { MAX_BLEND } from '../../core/latent/class_vector';
import { MAX_SEED, sampleSeed } from '../../core/latent/latent_request';
import { MAX_TRUNCATION, MIN_TRUNCATION, type TruncationMode } from '../../core/latent/truncation';
import type { SlotState } from '../store/settings_slice';
import { useStore } from '../store/store';
import { MAX_BATCH } from '../url_state';
import { notify } from './worker_link';

const SEEDS = MAX_SEED + 1;

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function pickClass(index: number): void {
  useStore.setState({ classes: [{ index, weight: 1 }] });
}

/** Adds a class at weight 1 (weights are relative); a full blend stays as it is, and says so. */
export function addClass(index: number): boolean {
  const s = useStore.getState();
  if (s.classes.some((c) => c.index === index)) return true;
  if (s.classes.length >= MAX_BLEND) {
    notify(
      'warning',
      `The blend already has ${MAX_BLEND} classes, the most it takes: remove one to add another. The blend was kept.`,
    );
    return false;
  }
  useStore.setState({ classes: [...s.classes, { index, weight: 1 }] });
  return true;
}

export function removeClass(index: number): void {
  useStore.setState((s) => (s.classes.length <= 1 ? {} : { classes: s.classes.filter((c) => c.index !== index) }));
}

export const MIN_WEIGHT = 0.05;
export const MAX_WEIGHT = 1;

/** Sets one class's weight as typed; the others keep theirs (the model divides by the sum). */
export function setClassWeight(index: number, weight: number): void {
  if (!Number.isFinite(weight)) return;
  const w = clamp(Math.round(weight * 100) / 100, MIN_WEIGHT, MAX_WEIGHT);
  useStore.setState((s) => ({ classes: s.classes.map((c) => (c.index === index ? { ...c, weight: w } : c)) }));
}

export function randomClass(): void {
  const n = useStore.getState().classList.length;
  if (n > 0) pickClass(randomSeed() % n);
}

export function setTruncation(t: number): void {
  if (Number.isFinite(t))
    useStore.setState({ truncation: clamp(Math.round(t * 1000) / 1000, MIN_TRUNCATION, MAX_TRUNCATION) });
}

export function setMode(mode: TruncationMode): void {
  useStore.setState({ mode });
}

/** A new seed: unlocked slots follow it (their own pins are dropped), locked ones stay. */
export function setSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) return;
  useStore.setState((s) => ({
    seed,
    slots: s.slots.some((x) => !x.locked && x.seed !== undefined)
      ? s.slots.map((x) => (x.locked ? x : { ...x, seed: undefined }))
      : s.slots,
  }));
}

export function stepSeed(delta: number): void {
  setSeed((((useStore.getState().seed + delta) % SEEDS) + SEEDS) % SEEDS);
}

export function setBatch(batch: number): void {
  if (!Number.isInteger(batch)) return;
  const b = clamp(batch, 1, MAX_BATCH);
  useStore.setState((s) => ({ batch: b, current: Math.min(s.current, b - 1) }));
}

export function setCurrent(index: number): void {
  useStore.setState({ current: index });
}

function updateSlot(i: number, f: (x: SlotState) => SlotState): void {
  useStore.setState((s) => ({ slots: s.slots.map((x, k) => (k === i ? f(x) : x)) }));
}

/** Locking pins the slot to the seed it has in the current sample, so nothing visible changes. */
export function toggleLock(i: number): void {
  const s = useStore.getState();
  const seed = sampleSeed(s.seed, s.current);
  updateSlot(i, (x) => (x.locked ? { ...x, locked: false } : { ...x, locked: true, seed: x.seed ?? seed }));
}

export function resampleSlot(i: number): void {
  updateSlot(i, (x) => ({ ...x, seed: randomSeed() }));
}

export function setStrength(i: number, strength: number): void {
  if (Number.isFinite(strength)) updateSlot(i, (x) => ({ ...x, strength: clamp(strength, 0, 2) }));
}

/** A new random sample seed for every slot that is not locked. */
export function resampleUnlocked(): void {
  setSeed(randomSeed());
}

export function resetSlots(): void {
  useStore.setState((s) => ({ slots: s.slots.map(() => ({ locked: false, strength: 1 })) }));
}
