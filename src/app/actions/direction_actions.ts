/**
 * The Directions panel's actions: compute a slot range's directions in the worker, move and reset
 * their sliders (edits), name them (kept with the model in IndexedDB), export and import them.
 */
import {
  DIRECTIONS_FORMAT,
  DIRECTIONS_VERSION,
  parseDirectionsFile,
  type DirectionsFile,
  type NamedDirection,
} from '../../core/edit/direction_file';
import { MAX_EDIT_AMOUNT } from '../../core/edit/latent_edits';
import { formatSlotRange, parseSlotRange } from '../../core/edit/slot_range';
import { listNames, saveName } from '../directions/direction_names_db';
import type { ExtraDirection } from '../store/lineage_slice';
import type { AppState } from '../store/store';
import { useStore } from '../store/store';
import type { LinkEdit } from '../url_state';
import { SettingsError } from '../../core/errors';
import { modelIdOf } from '../export/view_record';
import { directionKey } from './lineage_actions';
import { errorText, notify, worker } from './worker_link';

export const TOP_DIRECTIONS = 10;

export async function computeDirections(range = useStore.getState().dirRange): Promise<void> {
  const s = useStore.getState();
  const info = s.modelInfo;
  if (!info) return;
  let slots: number[];
  try {
    slots = parseSlotRange(range, info.architecture);
  } catch (e) {
    useStore.setState({ dirStatus: 'error', dirError: errorText(e) });
    return;
  }
  useStore.setState({ dirRange: range, dirStatus: 'computing', dirError: null });
  try {
    const set = await worker().request({ type: 'directions', slots, top: TOP_DIRECTIONS }).promise;
    if (useStore.getState().modelInfo !== info) return;
    useStore.setState({
      directions: { range: formatSlotRange(set.slots, info.architecture), ...set },
      dirStatus: 'ready',
    });
    await loadNames();
  } catch (e) {
    useStore.setState({ dirStatus: 'error', dirError: errorText(e) });
  }
}

/** Names of this model's directions, and the named ones of other ranges as extra sliders. */
async function loadNames(): Promise<void> {
  const s = useStore.getState();
  const hash = s.modelInfo?.topology.contentHash;
  if (!hash) return;
  try {
    const rows = await listNames(hash);
    const shown = new Set(s.directions?.vectors.map((_, i) => directionKey(s.directions!.range, i)));
    const extra: ExtraDirection[] = rows
      .filter((r) => !shown.has(r.key))
      .map((r) => ({ key: r.key, slots: r.slots, index: r.index, vector: r.vector, name: r.name }));
    useStore.setState((st) => ({
      dirNames: Object.fromEntries(rows.map((r) => [r.key, r.name])),
      extraDirections: mergeExtra(st.extraDirections, extra),
    }));
  } catch {
    // No IndexedDB (private mode): names last for this visit only.
  }
}

function mergeExtra(have: ExtraDirection[], add: ExtraDirection[]): ExtraDirection[] {
  const keys = new Set(add.map((d) => d.key));
  return [...have.filter((d) => !keys.has(d.key)), ...add];
}

/** Sets a direction's amount; 0 removes its edit. */
export function setDirectionAmount(
  key: string,
  slots: number[],
  vector: ArrayLike<number>,
  index: number,
  amount: number,
): void {
  if (!Number.isFinite(amount)) return;
  const a = Math.max(-MAX_EDIT_AMOUNT, Math.min(MAX_EDIT_AMOUNT, amount));
  useStore.setState((s) => {
    const name = s.dirNames[key];
    const others = s.edits.filter((e) => e.key !== key);
    return {
      edits: a === 0 ? others : [...others, { key, slots, vector, index, amount: a, ...(name ? { name } : {}) }],
    };
  });
}

export function resetDirection(key: string): void {
  useStore.setState((s) => ({ edits: s.edits.filter((e) => e.key !== key) }));
}

export function resetAllDirections(): void {
  useStore.setState({ edits: [] });
}

export async function nameDirection(
  key: string,
  slots: number[],
  index: number,
  vector: ArrayLike<number>,
  name: string,
): Promise<void> {
  const s = useStore.getState();
  const hash = s.modelInfo?.topology.contentHash;
  if (!hash) return;
  const clean = name.trim().slice(0, 64);
  useStore.setState((st) => {
    const dirNames = { ...st.dirNames };
    if (clean) dirNames[key] = clean;
    else delete dirNames[key];
    return { dirNames, edits: st.edits.map((e) => (e.key === key ? { ...e, name: clean || undefined } : e)) };
  });
  try {
    await saveName({ modelHash: hash, key, name: clean, slots, index, vector: Array.from(vector) });
  } catch (e) {
    notify('warning', `The name could not be kept in this browser: ${errorText(e)}`);
  }
}

/** Every computed direction of the range shown, and every named one, as a directions file. */
export function directionsFile(): DirectionsFile | null {
  const s = useStore.getState();
  const info = s.modelInfo;
  if (!info) return null;
  const computed: NamedDirection[] = (s.directions?.vectors ?? []).map((v, index) => {
    const name = s.dirNames[directionKey(s.directions!.range, index)];
    return {
      slots: s.directions!.slots,
      index,
      value: s.directions!.values[index],
      vector: Array.from(v),
      ...(name ? { name } : {}),
    };
  });
  const extra: NamedDirection[] = s.extraDirections.map((d) => ({
    slots: d.slots,
    index: d.index,
    value: 0,
    vector: d.vector,
    name: d.name,
  }));
  return {
    format: DIRECTIONS_FORMAT,
    version: DIRECTIONS_VERSION,
    model: { id: modelIdOf(s), hash: info.topology.contentHash, family: info.architecture.family },
    directions: [...computed, ...extra],
  };
}

export function exportDirections(): void {
  const file = directionsFile();
  if (!file) return;
  const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 1)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `directions-${file.model.id.replace(/[^\w.-]+/g, '_')}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Adds a file's named directions (and unnamed ones of other ranges) as extra sliders, and keeps their names. */
export async function importDirections(file: File): Promise<void> {
  const s = useStore.getState();
  const info = s.modelInfo;
  if (!info) return;
  let parsed: DirectionsFile;
  try {
    parsed = parseDirectionsFile(await file.text(), info.architecture);
  } catch (e) {
    notify('error', `${file.name}: ${errorText(e)} Nothing was changed.`);
    return;
  }
  if (parsed.model.hash !== info.topology.contentHash) {
    notify(
      'warning',
      `${file.name} was made for model '${parsed.model.id}', whose weights differ from this one's; its directions may mean other things here.`,
    );
  }
  const arch = info.architecture;
  const extra: ExtraDirection[] = parsed.directions.map((d) => {
    const key = d.name ? `named:${d.name}` : directionKey(formatSlotRange(d.slots, arch), d.index);
    return {
      key,
      slots: d.slots,
      index: d.index,
      vector: d.vector,
      name: d.name ?? `${formatSlotRange(d.slots, arch)} #${d.index}`,
    };
  });
  useStore.setState((st) => ({
    extraDirections: mergeExtra(st.extraDirections, extra),
    dirNames: { ...st.dirNames, ...Object.fromEntries(extra.map((d) => [d.key, d.name])) },
  }));
  for (const d of extra) {
    try {
      await saveName({
        modelHash: info.topology.contentHash,
        key: d.key,
        name: d.name,
        slots: d.slots,
        index: d.index,
        vector: d.vector,
      });
    } catch {
      break; // no IndexedDB here: the imported directions last for this visit
    }
  }
  notify('info', `Imported ${extra.length} direction${extra.length === 1 ? '' : 's'} from ${file.name}.`);
}

/** A shared link's edits: each range's directions computed, then the named ones applied. */
export async function applyLinkEdits(edits: readonly LinkEdit[]): Promise<void> {
  const info = useStore.getState().modelInfo;
  if (!info || edits.length === 0) return;
  const arch = info.architecture;
  const applied: AppState['edits'] = [];
  for (const range of new Set(edits.map((e) => e.range))) {
    try {
      const slots = parseSlotRange(range, arch);
      const set = await worker().request({ type: 'directions', slots, top: TOP_DIRECTIONS }).promise;
      for (const e of edits.filter((x) => x.range === range)) {
        if (e.index >= set.vectors.length)
          throw new SettingsError(`there are ${set.vectors.length} directions, not ${e.index + 1}`);
        applied.push({
          key: directionKey(formatSlotRange(slots, arch), e.index),
          slots,
          vector: set.vectors[e.index],
          index: e.index,
          amount: e.amount,
        });
      }
    } catch (err) {
      notify('warning', `Ignored the address's direction edits for slots ${range}: ${errorText(err)}`);
    }
  }
  if (useStore.getState().modelInfo === info) useStore.setState({ edits: applied });
}
