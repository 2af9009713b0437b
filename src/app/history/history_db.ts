/**
 * The sample history in IndexedDB ("biggan-history"): one row per sample, with its record (JSON)
 * and a thumbnail PNG. Kept to MAX_HISTORY rows; starred rows are never dropped to make room.
 */
import { idbRequest, openDatabase } from '../idb';

export const MAX_HISTORY = 100;

export interface HistoryRow {
  id?: number;
  key: string;
  record: string;
  thumb: Blob;
  starred: boolean;
  savedAt: number;
}

const DB = 'biggan-history';
const STORE = 'samples';

let opened: Promise<IDBDatabase> | null = null;

function db(): Promise<IDBDatabase> {
  opened ??= openDatabase(DB, (d) => d.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }));
  return opened;
}

async function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await db()).transaction(STORE, mode).objectStore(STORE);
}

/** Newest first. */
export async function listHistory(): Promise<HistoryRow[]> {
  const rows = await idbRequest((await store('readonly')).getAll() as IDBRequest<HistoryRow[]>);
  return rows.sort((a, b) => b.savedAt - a.savedAt);
}

/**
 * Adds a row, replacing rows of the same key (written by this tab or another); a replaced row's
 * star carries over. Returns the new id, the ids replaced and whether the row is starred.
 */
export async function addHistory(
  row: Omit<HistoryRow, 'id'>,
): Promise<{ id: number; replaced: number[]; starred: boolean }> {
  const s = await store('readwrite');
  const same = ((await idbRequest(s.getAll())) as HistoryRow[]).filter((r) => r.key === row.key);
  const starred = row.starred || same.some((r) => r.starred);
  for (const r of same) await idbRequest(s.delete(r.id!));
  const id = Number(await idbRequest(s.add({ ...row, starred })));
  return { id, replaced: same.map((r) => r.id!), starred };
}

export async function deleteHistory(id: number): Promise<void> {
  await idbRequest((await store('readwrite')).delete(id));
}

export async function setStarred(id: number, starred: boolean): Promise<void> {
  const s = await store('readwrite');
  const row = (await idbRequest(s.get(id))) as HistoryRow | undefined;
  if (row) await idbRequest(s.put({ ...row, starred }));
}

/** Drops the oldest unstarred rows beyond MAX_HISTORY; returns the ids dropped. */
export async function trimHistory(): Promise<number[]> {
  const rows = await listHistory();
  const over = rows.length - MAX_HISTORY;
  if (over <= 0) return [];
  const drop = rows
    .filter((r) => !r.starred)
    .slice(-over)
    .map((r) => r.id!);
  for (const id of drop) await deleteHistory(id);
  return drop;
}
