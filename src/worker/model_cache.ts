/**
 * Converted models kept in IndexedDB through tf.io's own `indexeddb://` handler, so the next visit
 * loads them offline. A failed save (quota, private mode) never fails a load: it is reported only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CachedModel } from './protocol';

const PREFIX = 'indexeddb://biggan-explorer/';

// Keys may be URLs; tf.io's model management splits on '://', so keys are stored URI-encoded.
const urlOf = (key: string) => PREFIX + encodeURIComponent(key);
const keyOf = (url: string) => decodeURIComponent(url.slice(PREFIX.length));

export async function listCached(): Promise<CachedModel[]> {
  let all: Record<string, tf.io.ModelArtifactsInfo>;
  try {
    all = await tf.io.listModels();
  } catch {
    return [];
  }
  return Object.entries(all)
    .filter(([url]) => url.startsWith(PREFIX))
    .map(([url, info]) => ({
      key: keyOf(url),
      bytes: (info.weightDataBytes ?? 0) + (info.modelTopologyBytes ?? 0) + (info.weightSpecsBytes ?? 0),
      savedAt: new Date(info.dateSaved).toISOString(),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export async function hasCached(key: string): Promise<boolean> {
  return (await listCached()).some((m) => m.key === key);
}

export async function loadCached(key: string): Promise<tf.io.ModelArtifacts> {
  const [handler] = tf.io.getLoadHandlers(urlOf(key));
  if (!handler?.load) throw new Error('IndexedDB is not available in this browser.');
  return handler.load();
}

/** Saves; returns an error message instead of throwing. */
export async function saveCached(key: string, artifacts: tf.io.ModelArtifacts): Promise<string | null> {
  try {
    const [handler] = tf.io.getSaveHandlers(urlOf(key));
    if (!handler?.save) return 'IndexedDB is not available in this browser.';
    await handler.save(artifacts);
  } catch (e) {
    const message = (e as Error).message || String(e);
    const quota = (e as Error).name === 'QuotaExceededError' || /quota/i.test(message);
    return quota ? `this browser's storage for the page is full (quota exceeded: ${message})` : message;
  }
  if (await weightsStored(urlOf(key).slice('indexeddb://'.length))) return null;
  await tf.io.removeModel(urlOf(key)).catch(() => undefined);
  return 'the browser dropped it after accepting it: its storage for the page is full (quota exceeded) or turned off';
}

/**
 * tf.io's save resolves when its put request succeeds, before the transaction commits; a quota
 * abort at commit then loses the weights silently. So look: is the entry in tf.io's model store?
 */
function weightsStored(modelPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const open = indexedDB.open('tensorflowjs');
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const get = db.transaction('models_store', 'readonly').objectStore('models_store').getKey(modelPath);
        get.onsuccess = () => resolve(get.result !== undefined);
        get.onerror = () => resolve(false);
      } catch {
        resolve(false);
      } finally {
        db.close();
      }
    };
  });
}

export async function deleteCached(key: string): Promise<void> {
  await tf.io.removeModel(urlOf(key));
}
