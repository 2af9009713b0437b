/**
 * The shareable address: ?model=&config=&class=&truncation=&mode=&seed=&batch=&lock=&pin=&strength=
 * &current=&backend=&dir= (direction edits: range/index:amount, e.g. 0/2:-1.8,1-3/1:3). Parsing never throws: a value that makes no sense is dropped with a notice.
 * Class specs are kept as text until the model's class list is known (see resolveClassSpec).
 */
import { MAX_EDIT_AMOUNT } from '../core/edit/latent_edits';
import { MAX_SEED } from '../core/latent/latent_request';
import { MAX_TRUNCATION, MIN_TRUNCATION, TRUNCATION_MODES, type TruncationMode } from '../core/latent/truncation';
import { BACKEND_ORDER, type BackendChoice } from '../worker/protocol';
import { isModelRef } from './catalog';
import type { ModelRef, SettingsSlice, SlotState } from './store/settings_slice';

export const MAX_BATCH = 16;

export interface UrlState {
  modelRef?: ModelRef;
  classSpec?: string;
  settings: Partial<Omit<SettingsSlice, 'classes'>>;
  /** Per-slot overrides, by slot index; applied once the model's slot count is known. */
  slotOverrides: Map<number, Partial<SlotState>>;
  /** Direction edits by slot range and rank; their vectors are computed once the model is loaded. */
  directionEdits: LinkEdit[];
  notices: string[];
}

export interface LinkEdit {
  range: string;
  index: number;
  amount: number;
}

function directionEdits(text: string, notices: string[]): LinkEdit[] {
  const out: LinkEdit[] = [];
  for (const part of text.split(',')) {
    const m = /^(all|\d+(?:-\d+)?)\/(\d+):([-+]?\d*\.?\d+)$/.exec(part);
    const amount = m ? Number(m[3]) : NaN;
    if (!m || !(Math.abs(amount) <= MAX_EDIT_AMOUNT)) {
      notices.push(
        `Ignored dir "${part}": expected range/index:amount, the amount from -${MAX_EDIT_AMOUNT} to ${MAX_EDIT_AMOUNT}.`,
      );
      continue;
    }
    out.push({ range: m[1], index: Number(m[2]), amount });
  }
  return out;
}

const isSeed = (n: number) => Number.isInteger(n) && n >= 0 && n <= MAX_SEED;

function num(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** "1:123,3:456" -> [[1, "123"], [3, "456"]]; malformed parts reported. */
function pairs(text: string, what: string, notices: string[]): [number, string][] {
  const out: [number, string][] = [];
  for (const part of text.split(',')) {
    const [k, v, extra] = part.split(':');
    const slot = num(k ?? '');
    if (extra !== undefined || v === undefined || !Number.isInteger(slot) || slot < 0) {
      notices.push(`Ignored ${what} "${part}": expected slot:value.`);
      continue;
    }
    out.push([slot, v]);
  }
  return out;
}

export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const notices: string[] = [];
  const settings: UrlState['settings'] = {};
  const slotOverrides = new Map<number, Partial<SlotState>>();
  const override = (slot: number, o: Partial<SlotState>) =>
    slotOverrides.set(slot, { ...slotOverrides.get(slot), ...o });
  let modelRef: ModelRef | undefined;

  const model = q.get('model');
  if (model !== null) {
    if (isModelRef(model)) modelRef = { model, ...(q.get('config') ? { config: q.get('config')! } : {}) };
    else notices.push(`Unknown model "${model}": loading the default model instead.`);
  }
  const t = q.get('truncation');
  if (t !== null) {
    const v = num(t);
    if (v >= MIN_TRUNCATION && v <= MAX_TRUNCATION) settings.truncation = v;
    else notices.push(`Ignored truncation "${t}": it must be between ${MIN_TRUNCATION} and ${MAX_TRUNCATION}.`);
  }
  const mode = q.get('mode');
  if (mode !== null) {
    if ((TRUNCATION_MODES as readonly string[]).includes(mode)) settings.mode = mode as TruncationMode;
    else notices.push(`Ignored mode "${mode}": use "scaled" or "threshold".`);
  }
  const seed = q.get('seed');
  if (seed !== null) {
    const v = num(seed);
    if (isSeed(v)) settings.seed = v;
    else notices.push(`Ignored seed "${seed}": a seed is a whole number from 0 to ${MAX_SEED}.`);
  }
  const batch = q.get('batch');
  if (batch !== null) {
    const v = num(batch);
    if (Number.isInteger(v) && v >= 1 && v <= MAX_BATCH) settings.batch = v;
    else notices.push(`Ignored batch "${batch}": use 1 to ${MAX_BATCH}.`);
  }
  const current = q.get('current');
  if (current !== null) {
    const v = num(current);
    if (Number.isInteger(v) && v >= 0 && v < (settings.batch ?? MAX_BATCH)) settings.current = v;
    else notices.push(`Ignored current "${current}": it must name a sample of the batch.`);
  }
  const backend = q.get('backend');
  if (backend !== null) {
    if (backend === 'auto' || (BACKEND_ORDER as readonly string[]).includes(backend))
      settings.backendChoice = backend as BackendChoice;
    else notices.push(`Ignored backend "${backend}": use auto, webgpu, webgl, wasm or cpu.`);
  }
  for (const [key, locked] of [
    ['lock', true],
    ['pin', false],
  ] as const) {
    const text = q.get(key);
    if (text === null) continue;
    for (const [slot, v] of pairs(text, key, notices)) {
      const s = num(v);
      if (isSeed(s)) override(slot, { locked, seed: s });
      else notices.push(`Ignored ${key} "${slot}:${v}": the seed must be a whole number from 0 to ${MAX_SEED}.`);
    }
  }
  const strength = q.get('strength');
  if (strength !== null) {
    for (const [slot, v] of pairs(strength, 'strength', notices)) {
      const s = num(v);
      if (s >= 0 && s <= 2) override(slot, { strength: s });
      else notices.push(`Ignored strength "${slot}:${v}": use 0 to 2.`);
    }
  }
  const classSpec = q.get('class') ?? undefined;
  const dir = q.get('dir');
  return {
    modelRef,
    classSpec,
    settings,
    slotOverrides,
    directionEdits: dir ? directionEdits(dir, notices) : [],
    notices,
  };
}

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);

/** The address for the current view; defaults are left out to keep it short. */
export function buildSearch(
  s: SettingsSlice & { edits?: { slots: number[]; index?: number; amount: number; key: string }[] },
  modelRef: ModelRef | null,
): string {
  const q = new URLSearchParams();
  if (modelRef) {
    q.set('model', modelRef.model);
    if (modelRef.config) q.set('config', modelRef.config);
  }
  q.set(
    'class',
    s.classes.map((c) => (s.classes.length === 1 ? String(c.index) : `${c.index}:${fmt(c.weight)}`)).join(','),
  );
  q.set('truncation', fmt(s.truncation));
  q.set('mode', s.mode);
  q.set('seed', String(s.seed));
  q.set('batch', String(s.batch));
  if (s.current > 0) q.set('current', String(s.current));
  const locks = s.slots.flatMap((x, i) => (x.locked && x.seed !== undefined ? [`${i}:${x.seed}`] : []));
  const pins = s.slots.flatMap((x, i) => (!x.locked && x.seed !== undefined ? [`${i}:${x.seed}`] : []));
  const strengths = s.slots.flatMap((x, i) => (x.strength !== 1 ? [`${i}:${fmt(x.strength)}`] : []));
  if (locks.length) q.set('lock', locks.join(','));
  if (pins.length) q.set('pin', pins.join(','));
  if (strengths.length) q.set('strength', strengths.join(','));
  if (s.backendChoice !== 'auto') q.set('backend', s.backendChoice);
  // An edit's key is "range:index" (see directionKey); imported directions have no range to recompute.
  const dirs = (s.edits ?? []).flatMap((e) =>
    /^(all|\d+(-\d+)?):\d+$/.test(e.key) ? [`${e.key.replace(':', '/')}:${fmt(e.amount)}`] : [],
  );
  if (dirs.length) q.set('dir', dirs.join(','));
  return `?${q.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%2F/gi, '/')}`;
}
