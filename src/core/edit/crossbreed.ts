/**
 * Crossbreeding two samples: each latent slot's z is taken whole from parent A or parent B (chosen
 * per slot, or at random from a seed), and the class blend lies between theirs.
 */
import type { Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { MAX_BLEND, type ClassWeight } from '../latent/class_vector';
import { checkSeed, type Latents } from '../latent/latent_request';
import { Rng } from '../latent/rng';
import { joinSlots, slotLayout, splitSlots } from '../latent/slot_latents';
import { latentSlots } from '../config/architecture';

/** Per slot, 'a' or 'b', written as one string ("abba..."). */
export type SlotPick = string;

export function randomPick(arch: Architecture, seed: number): SlotPick {
  checkSeed(seed);
  const rng = new Rng(seed, 0x7ffe);
  return latentSlots(arch)
    .map(() => (rng.below(2) === 0 ? 'a' : 'b'))
    .join('');
}

export function checkPick(pick: SlotPick, arch: Architecture): void {
  const n = latentSlots(arch).length;
  if (pick.length !== n || !/^[ab]+$/.test(pick)) {
    throw new SettingsError(`A crossbreed picks 'a' or 'b' for each of the ${n} slots; got '${pick}'.`);
  }
}

/** The child's latents, one sample from each parent's first sample. */
export function crossLatents(arch: Architecture, a: Latents, b: Latents, pick: SlotPick): Latents {
  checkPick(pick, arch);
  const fromA = splitSlots(slotLayout(arch), a);
  const fromB = splitSlots(slotLayout(arch), b);
  const size = fromA[0].length / a.batch;
  const child = fromA.map((_, s) => (pick[s] === 'a' ? fromA[s] : fromB[s]).slice(0, size));
  return joinSlots(slotLayout(arch), child, 1);
}

/**
 * (1 - mix) * A's weights + mix * B's, each blend normalised first; when more than MAX_BLEND
 * classes result, the strongest are kept.
 */
export function blendClasses(a: readonly ClassWeight[], b: readonly ClassWeight[], mix: number): ClassWeight[] {
  if (!(mix >= 0 && mix <= 1)) throw new SettingsError(`The class mix must be from 0 to 1; got ${mix}.`);
  const total = (cs: readonly ClassWeight[]) => cs.reduce((t, c) => t + c.weight, 0);
  const weights = new Map<number, number>();
  const add = (cs: readonly ClassWeight[], k: number) => {
    const t = total(cs);
    for (const c of cs) weights.set(c.index, (weights.get(c.index) ?? 0) + (k * c.weight) / t);
  };
  add(a, 1 - mix);
  add(b, mix);
  return [...weights]
    .filter(([, w]) => w > 0)
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, MAX_BLEND)
    .map(([index, weight]) => ({ index, weight }));
}
