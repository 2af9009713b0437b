/**
 * The SampleRecord of a sample on the page, built from the settings that drew it (the latents are
 * drawn again here from the same seeds: cheap, and exactly what the worker used).
 */
import { className } from '../../core/classes/model_classes';
import { editsToRecord } from '../../core/edit/edit_record';
import { recordForSample, type SampleRecord } from '../../core/export/sample_record';
import { sampleLatents, sampleSeed } from '../../core/latent/latent_request';
import { APP_NAME, APP_VERSION } from '../../core/version';
import { renderSettings } from '../actions/render_actions';
import type { AppState } from '../store/store';

/** The id a record names the model by: the catalog id or URL the page loaded it from, else its label. */
export function modelIdOf(s: AppState): string {
  return s.modelRef?.model ?? s.modelInfo?.label ?? 'unknown';
}

/** Record of sample `index` of the batch; with `batch`, a grid's record (sample 0 and the count). */
export function recordForView(s: AppState, index: number, batch?: number): SampleRecord | null {
  const info = s.modelInfo;
  if (!info) return null;
  const arch = info.architecture;
  const settings = renderSettings(s);
  const seed = sampleSeed(s.seed, index);
  const latents = sampleLatents(arch, {
    seed,
    truncation: s.truncation,
    mode: s.mode,
    batch: 1,
    slots: settings.slots,
  });
  return recordForSample(
    {
      modelId: modelIdOf(s),
      architecture: arch,
      contentHash: info.topology.contentHash,
      classes: s.classes,
      truncation: s.truncation,
      mode: s.mode,
      seed,
      slots: settings.slots,
      locked: s.slots.map((x) => x.locked),
      z: latents.z,
      slotZ: latents.slotZ,
      backend: s.backend?.name ?? 'unknown',
      className: (i) => className(s.classList, i),
      lineage: { edits: editsToRecord(s.edits), ...s.origin },
    },
    0,
    { name: APP_NAME, version: APP_VERSION },
    batch,
  );
}
