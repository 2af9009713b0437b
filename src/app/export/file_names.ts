/** File names that say what they hold: `biggan-deep-128_golden-retriever_t0.40_seed7.png`. */
import type { ModelClass } from '../../core/classes/model_classes';
import type { ClassWeight } from '../../core/latent/class_vector';
import { catalogEntry } from '../catalog';
import type { ModelRef } from '../store/settings_slice';

export function slug(text: string, max = 40): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, max).replace(/-+$/, '') || 'x';
}

/** A catalog id as it is; a URL or file by its folder or file name. */
export function modelSlug(ref: ModelRef | null, label: string): string {
  if (ref && catalogEntry(ref.model)) return ref.model;
  const path = ref?.model ?? label;
  const parts = path.split(/[?#]/)[0].split('/').filter(Boolean);
  const last = parts.at(-1) ?? path;
  const name = /^model\.json$/i.test(last) && parts.length > 1 ? parts.at(-2)! : last.replace(/\.[a-z0-9]+$/i, '');
  return slug(name);
}

export function classSlug(classes: readonly ClassWeight[], list: readonly ModelClass[]): string {
  return classes.map((c) => slug(list[c.index]?.names[0] ?? `class-${c.index}`, 24)).join('+');
}

export interface NameParts {
  model: string;
  classes: string;
  truncation: number;
  /** One seed, or the first and last of a grid. */
  seeds: [number] | [number, number];
  /** Upscaling factor (left out at 1) and anything else, e.g. "grid" or "interp-z-8f". */
  scale?: number;
  extra?: string;
}

export function fileBase(p: NameParts): string {
  const seed = p.seeds.length === 1 ? `seed${p.seeds[0]}` : `seed${p.seeds[0]}-${p.seeds[1]}`;
  const parts = [p.model, p.classes, `t${p.truncation.toFixed(2)}`, seed];
  if (p.extra) parts.push(p.extra);
  if (p.scale && p.scale !== 1) parts.push(`${p.scale}x`);
  return parts.join('_');
}
