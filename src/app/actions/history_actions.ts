/** The last samples as thumbnails, kept in IndexedDB across reloads: remember, star, delete, restore. */
import { lineageId } from '../../core/edit/edit_record';
import { parseSampleRecord, serializeSampleRecord, type SampleRecord } from '../../core/export/sample_record';
import { pngBlob, sampleImage } from '../export/export_png';
import { downscaleTo } from '../export/resize';
import { recordForView } from '../export/view_record';
import {
  addHistory,
  deleteHistory,
  listHistory,
  setStarred,
  trimHistory,
  type HistoryRow,
} from '../history/history_db';
import type { HistoryItem } from '../store/export_slice';
import { useStore } from '../store/store';
import { restoreRecord } from './restore_actions';
import { errorText, notify } from './worker_link';

const THUMB_PX = 128;
let available = true;

/** One key per sample: same model, settings and seed. */
export function sampleKey(r: SampleRecord): string {
  return JSON.stringify([
    r.model.hash,
    r.classes.map((c) => [c.index, c.weight]),
    r.truncation,
    r.mode,
    r.seed,
    r.slots,
    lineageId(r),
  ]);
}

function toItem(row: HistoryRow): HistoryItem | null {
  try {
    return {
      id: row.id!,
      key: row.key,
      record: parseSampleRecord(row.record),
      thumb: URL.createObjectURL(row.thumb),
      starred: row.starred,
      savedAt: row.savedAt,
    };
  } catch {
    return null; // written by a version whose records this one cannot read
  }
}

export async function loadHistory(): Promise<void> {
  try {
    const items = (await listHistory()).map(toItem).filter((x): x is HistoryItem => x !== null);
    useStore.setState({ history: items });
  } catch {
    available = false; // no IndexedDB here (private mode): the history stays empty
  }
}

/** Quiet time after the last slider move before its state counts as settled (one drag is one entry). */
export const SETTLE_MS = 700;
let settleTimer: ReturnType<typeof setTimeout> | null = null;
let sliderHeld = false;
let lastSliderMove = -Infinity;
let watching = false;

/** Sliders are what changes a state continuously: watch them being held and moved (pointer or keys). */
function watchSliders(): void {
  watching = true;
  const isSlider = (t: EventTarget | null) => t instanceof HTMLInputElement && t.type === 'range';
  addEventListener('pointerdown', (e) => (sliderHeld = isSlider(e.target)), true);
  addEventListener('pointerup', () => (sliderHeld = false), true);
  addEventListener('pointercancel', () => (sliderHeld = false), true);
  addEventListener('input', (e) => isSlider(e.target) && (lastSliderMove = performance.now()), true);
}

/** Remembers the current sample now, or, while a slider is held or just moved, once it has been still for SETTLE_MS. */
export function rememberWhenSettled(): void {
  if (!watching) watchSliders();
  if (settleTimer !== null) clearTimeout(settleTimer);
  settleTimer = null;
  const still = performance.now() - lastSliderMove;
  if (!sliderHeld && still >= SETTLE_MS) {
    if (!useStore.getState().rendering) void rememberCurrent();
    return;
  }
  settleTimer = setTimeout(rememberWhenSettled, Math.max(50, SETTLE_MS - still));
}

/** Adds the current sample once it is drawn. */
export async function rememberCurrent(): Promise<void> {
  const s = useStore.getState();
  const x = s.samples[s.current];
  if (!available || !x?.fresh || !x.rgba) return;
  const record = recordForView(s, x.index);
  if (!record) return;
  const key = sampleKey(record);
  if (s.history[0]?.key === key) return;
  try {
    const thumb = pngBlob(
      downscaleTo(sampleImage({ width: x.width, height: x.height, rgba: x.rgba }), THUMB_PX),
      record,
    );
    const savedAt = Date.now();
    const { id, replaced, starred } = await addHistory({
      key,
      record: serializeSampleRecord(record),
      thumb,
      starred: false,
      savedAt,
    });
    const dropped = await trimHistory();
    const item: HistoryItem = { id, key, record, thumb: URL.createObjectURL(thumb), starred, savedAt };
    useStore.setState((st) => {
      const gone = new Set([...dropped, ...replaced]);
      const stale = (h: HistoryItem) => gone.has(h.id) || h.key === key;
      for (const h of st.history) if (stale(h)) URL.revokeObjectURL(h.thumb);
      return { history: [item, ...st.history.filter((h) => !stale(h))] };
    });
  } catch (e) {
    available = false;
    notify('warning', `The sample history could not be saved in this browser: ${errorText(e)}`);
  }
}

export async function toggleStar(id: number): Promise<void> {
  const item = useStore.getState().history.find((h) => h.id === id);
  if (!item) return;
  await setStarred(id, !item.starred);
  useStore.setState((s) => ({ history: s.history.map((h) => (h.id === id ? { ...h, starred: !h.starred } : h)) }));
}

export async function removeHistoryItem(id: number): Promise<void> {
  await deleteHistory(id);
  useStore.setState((s) => {
    const item = s.history.find((h) => h.id === id);
    if (item) URL.revokeObjectURL(item.thumb);
    return { history: s.history.filter((h) => h.id !== id) };
  });
}

export function restoreHistoryItem(id: number): Promise<boolean> {
  const item = useStore.getState().history.find((h) => h.id === id);
  return item ? restoreRecord(item.record, `The history sample (seed ${item.record.seed})`) : Promise.resolve(false);
}
