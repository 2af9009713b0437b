/**
 * The sample history in IndexedDB ("biggan-history"): one row per sample, with its record (JSON)
 * and a thumbnail PNG. Kept to MAX_HISTORY rows; starred rows are never dropped to make room.
 */
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

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

let opened: Promise<IDBDatabase> | null = null;

function db(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error('IndexedDB is not available'));
  });
  return opened;
}

async function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await db()).transaction(STORE, mode).objectStore(STORE);
}

/** Newest first. */
export async function listHistory(): Promise<HistoryRow[]> {
  const rows = await request((await store('readonly')).getAll() as IDBRequest<HistoryRow[]>);
  return rows.sort((a, b) => b.savedAt - a.savedAt);
}

/**
 * Adds a row, replacing rows of the same key (written by this tab or another); a replaced row's
 * star carries over. Returns the new id, the ids replaced and whether the row is starred.
 */
export async function addHistory(row: Omit<HistoryRow, 'id'>): Promise<{ id: number; replaced: number[]; starred: boolean }> {
  const s = await store('readwrite');
  const same = ((await request(s.getAll())) as HistoryRow[]).filter((r) => r.key === row.key);
  const starred = row.starred || same.some((r) => r.starred);
  for (const r of same) await request(s.delete(r.id!));
  const id = Number(await request(s.add({ ...row, starred })));
  return { id, replaced: same.map((r) => r.id!), starred };
}

export async function deleteHistory(id: number): Promise<void> {
  await request((await store('readwrite')).delete(id));
}

export async function setStarred(id: number, starred: boolean): Promise<void> {
  const s = await store('readwrite');
  const row = (await request(s.get(id))) as HistoryRow | undefined;
  if (row) await request(s.put({ ...row, starred }));
}

/** Drops the oldest unstarred rows beyond MAX_HISTORY; returns the ids dropped. */
export async function trimHistory(): Promise<number[]> {
  const rows = await listHistory();
  const over = rows.length - MAX_HISTORY;
  if (over <= 0) return [];
  const drop = rows.filter((r) => !r.starred).slice(-over).map((r) => r.id!);
  for (const id of drop) await deleteHistory(id);
  return drop;
}
