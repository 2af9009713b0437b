/**
 * Names people give to directions ("zoom", "background"), kept per model (by its weights' hash)
 * in IndexedDB ("biggan-directions"), with the vectors, so they survive reloads and can be listed
 * again even for a slot range not computed yet.
 */
import { idbRequest, openDatabase } from '../idb';

export interface NamedDirectionRow {
  /** Model content hash + direction key. */
  id: string;
  modelHash: string;
  key: string;
  name: string;
  slots: number[];
  index: number;
  vector: number[];
}

const DB = 'biggan-directions';
const STORE = 'names';

let opened: Promise<IDBDatabase> | null = null;

function db(): Promise<IDBDatabase> {
  opened ??= openDatabase(DB, (d) => d.createObjectStore(STORE, { keyPath: 'id' }).createIndex('model', 'modelHash'));
  return opened;
}

async function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await db()).transaction(STORE, mode).objectStore(STORE);
}

export async function listNames(modelHash: string): Promise<NamedDirectionRow[]> {
  const s = await store('readonly');
  return (await idbRequest(s.index('model').getAll(modelHash))) as NamedDirectionRow[];
}

/** An empty name deletes the row. */
export async function saveName(row: Omit<NamedDirectionRow, 'id'>): Promise<void> {
  const s = await store('readwrite');
  const id = `${row.modelHash}|${row.key}`;
  if (row.name) await idbRequest(s.put({ ...row, id }));
  else await idbRequest(s.delete(id));
}
