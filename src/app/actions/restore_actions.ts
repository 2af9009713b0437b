/**
 * Restoring a sample from an exported PNG (dropped or picked) or from the history. The record is
 * read and checked before anything changes: a foreign, damaged or huge file only gets a message.
 * A record made with another model switches to it when the page knows where it is (a catalog id or
 * a URL); otherwise the message names the model it needs and the current view stays.
 */
import { readSampleRecord } from '../../core/export/png_metadata';
import { checkRecordFits, type SampleRecord } from '../../core/export/sample_record';
import { sampleLatents } from '../../core/latent/latent_request';
import { isModelRef } from '../catalog';
import { renderSettings } from './render_actions';
import type { SlotState } from '../store/settings_slice';
import { useStore } from '../store/store';
import { loadRef } from './model_actions';
import { restoreLineage } from './lineage_actions';
import { errorText, notify } from './worker_link';

const shortHash = (hash: string) => `sha256 ${hash.slice(0, 12)}…`;

export async function restoreFromFile(file: File): Promise<boolean> {
  let record: SampleRecord;
  try {
    record = readSampleRecord(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    notify('error', `${file.name}: ${errorText(e)} Nothing was changed.`);
    return false;
  }
  return restoreRecord(record, file.name);
}

/** Makes `record`'s sample the current one (sample 0 of the batch). */
export async function restoreRecord(record: SampleRecord, what: string): Promise<boolean> {
  const s = useStore.getState();
  if (s.modelInfo?.topology.contentHash !== record.model.hash) {
    const id = record.model.id;
    const known = isModelRef(id);
    if (!known) {
      notify(
        'error',
        `${what} was made with model '${record.model.id}' (${shortHash(record.model.hash)}), which is neither loaded nor in the ` +
          'catalog. Open that model first, then drop the file again. The current view is kept.',
      );
      return false;
    }
    if (s.modelRef?.model !== id || !s.modelInfo) {
      notify('info', `${what} was made with ${record.model.id}: loading it.`);
      if (!(await loadRef({ model: id }))) return false;
    }
    const now = useStore.getState().modelInfo;
    if (now && now.topology.contentHash !== record.model.hash) {
      notify(
        'warning',
        `${what} was made with other weights (${shortHash(record.model.hash)}) than '${id}' has now; the sample may look different.`,
      );
    }
  }
  const info = useStore.getState().modelInfo;
  if (!info) return false;
  try {
    checkRecordFits(record, info.architecture);
  } catch (e) {
    notify('error', `${what}: ${errorText(e)} Nothing was changed.`);
    return false;
  }
  applyRecord(record, info.slots.length);
  restoreLineage(record);
  checkSameLatent(record, what);
  notify('info', `Restored ${what}: seed ${record.seed}, truncation ${record.truncation}.`);
  return true;
}

function applyRecord(record: SampleRecord, slotCount: number): void {
  const slots: SlotState[] = Array.from({ length: slotCount }, (_, i) => {
    const r = record.slots[i];
    return { locked: Boolean(r?.locked), seed: r?.seed, strength: r?.strength ?? 1 };
  });
  useStore.setState((s) => ({
    classes: record.classes.map((c) => ({ index: c.index, weight: c.weight })),
    truncation: record.truncation,
    mode: record.mode,
    seed: record.seed,
    batch: record.batch ?? s.batch,
    current: 0,
    slots,
  }));
}

/** The seeds must give back the stored z; if a future seed convention differs, say so. */
function checkSameLatent(record: SampleRecord, what: string): void {
  const s = useStore.getState();
  const arch = s.modelInfo!.architecture;
  const z = sampleLatents(arch, {
    seed: s.seed,
    truncation: s.truncation,
    mode: s.mode,
    batch: 1,
    slots: renderSettings(s).slots,
  }).z;
  const worst = record.z.reduce((m, v, i) => Math.max(m, Math.abs(v - z[i])), 0);
  if (worst > 1e-5)
    notify('warning', `${what}: its seeds no longer give the exact latent it stored; the sample may differ slightly.`);
}
