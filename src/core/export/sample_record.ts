/**
 * Everything needed to make a sample again, stored as JSON in the `biggan` text chunk of every PNG
 * we export: the model (id and weight hash), class blend, truncation and mode, seed, latent slot
 * settings, and the exact z, so a sample comes back even if the seed convention ever changes.
 */
import type { Architecture } from '../config/architecture';
import { latentSlots, zDimOf } from '../config/architecture';
import { checkLineageFits, editedLatents, recordLayout, type LineageFields } from '../edit/edit_record';
import { SettingsError } from '../errors';
import { checkFields, RECORD_FIELDS, RECORD_FORMAT, RECORD_VERSION } from './record_fields';
import type { ClassWeight } from '../latent/class_vector';
import { sampleSeed, slotSize, type SlotSetting } from '../latent/latent_request';
import type { TruncationMode } from '../latent/truncation';

export { RECORD_FORMAT, RECORD_VERSION };
export const PNG_TEXT_KEY = 'biggan';

export interface SlotRecord {
  seed?: number;
  strength?: number;
  locked?: boolean;
}

export interface SampleRecord extends LineageFields {
  format: typeof RECORD_FORMAT;
  version: number;
  app: { name: string; version: string };
  model: { id: string; hash: string; family: Architecture['family']; resolution: number };
  classes: (ClassWeight & { name?: string })[];
  truncation: number;
  mode: TruncationMode;
  seed: number;
  slots: (SlotRecord | null)[];
  /** The sample's exact latent, [zDim]. */
  z: number[];
  /** BigGAN-deep only: per-slot latents that differ from z, [zDim] each. */
  slotZ?: (number[] | null)[];
  backend: string;
  /** For a grid: how many samples, from consecutive seeds, the image shows. */
  batch?: number;
  /** For a truncation strip: the sample at each truncation, and the spread of `seeds` samples at each. */
  strip?: { truncations: number[]; spread: number[]; seeds: number };
}

function fail(what: string): never {
  throw new SettingsError(`The sample settings in this file are damaged: ${what}. Export the sample again.`);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses and checks a record; `arch` (when the model is known) checks sizes against it. */
export function parseSampleRecord(text: string, arch?: Architecture): SampleRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('its JSON does not parse');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('it is not a JSON object');
  const r = raw as Record<string, unknown>;
  checkFields(r, RECORD_FIELDS, '', fail);
  if (arch) checkRecordFits(r as unknown as SampleRecord, arch);
  return r as unknown as SampleRecord;
}

/** Checks a parsed record's sizes against the model it is about to be used with. */
export function checkRecordFits(r: SampleRecord, arch: Architecture): void {
  for (const c of r.classes)
    if (c.index >= arch.numClasses) fail(`class ${c.index} does not exist in a ${arch.numClasses}-class model`);
  if (r.z.length !== zDimOf(arch)) fail(`z has ${r.z.length} values; this model needs ${zDimOf(arch)}`);
  if (r.slots.length > latentSlots(arch).length)
    fail(`it has ${r.slots.length} latent slots; this model has ${latentSlots(arch).length}`);
  if ((r.slotZ?.length ?? 0) > latentSlots(arch).length)
    fail(`it has ${r.slotZ!.length} per-block z; this model has ${latentSlots(arch).length} slots`);
  for (const v of r.slotZ ?? [])
    if (v && (v.length !== slotSize(arch) || !v.every(isNum))) fail('a per-block z has the wrong size');
  checkLineageFits(
    r,
    arch,
    { wholeZ: arch.family === 'biggan-deep', slots: latentSlots(arch).length, size: slotSize(arch) },
    fail,
  );
}

/** JSON with every non-ASCII character escaped, so it fits a Latin-1 tEXt chunk unchanged. */
export function serializeSampleRecord(record: SampleRecord): string {
  return JSON.stringify(record).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The exact latents a record stores, as the generator takes them (with its direction edits added). */
export function recordLatents(record: SampleRecord): { z: Float32Array; slotZ?: (Float32Array | undefined)[] } {
  const drawn = recordDrawnLatents(record);
  if (!record.edits?.length) return drawn;
  const layout = recordLayout(record.model.family, record.z.length, record.slots.length);
  const edited = editedLatents(layout, { batch: 1, z: drawn.z, slotZ: drawn.slotZ ?? [] }, record.edits);
  return { z: edited.z, slotZ: edited.slotZ };
}

/** The latents a record stores before its edits, as a RecordSource takes them. */
export function recordDrawnLatents(record: SampleRecord): { z: Float32Array; slotZ?: (Float32Array | undefined)[] } {
  return { z: Float32Array.from(record.z), slotZ: record.slotZ?.map((v) => (v ? Float32Array.from(v) : undefined)) };
}

/** The slot settings a record restores (locked slots keep their seed; exact z is separate). */
export function slotSettingsFromRecord(record: SampleRecord): (SlotSetting | undefined)[] {
  return record.slots.map((s) => (s ? { seed: s.seed, strength: s.strength } : undefined));
}

export interface RecordSource {
  modelId: string;
  architecture: Architecture;
  contentHash: string;
  classes: ClassWeight[];
  truncation: number;
  mode: TruncationMode;
  /** The seed of sample 0 of the batch. */
  seed: number;
  slots?: (SlotSetting | undefined)[];
  locked?: boolean[];
  /** [batch, zDim] and per-slot [batch, slotSize] latents, as sampleLatents returned them. */
  z: Float32Array;
  slotZ?: (Float32Array | undefined)[];
  backend: string;
  className?: (index: number) => string;
  /** Edits, variation and crossbreed, as the record stores them. */
  lineage?: LineageFields;
}

/** The record of sample `index` of a batch (its own seed is seed + index). */
export function recordForSample(
  src: RecordSource,
  index: number,
  app: { name: string; version: string },
  batch?: number,
): SampleRecord {
  const zDim = zDimOf(src.architecture);
  const size = slotSize(src.architecture);
  const row = (a: Float32Array, n: number) => Array.from(a.subarray(index * n, (index + 1) * n));
  const slotZ = src.slotZ?.map((v) => (v ? row(v, size) : null));
  return {
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    app,
    model: {
      id: src.modelId,
      hash: src.contentHash,
      family: src.architecture.family,
      resolution: src.architecture.resolution,
    },
    classes: src.classes.map((c) => ({ ...c, ...(src.className ? { name: src.className(c.index) } : {}) })),
    truncation: src.truncation,
    mode: src.mode,
    seed: sampleSeed(src.seed, index),
    slots: latentSlots(src.architecture).map((_, i) => {
      const s = src.slots?.[i];
      const locked = src.locked?.[i];
      if (!s && !locked) return null;
      return {
        ...(s?.seed !== undefined ? { seed: s.seed } : {}),
        ...(s?.strength !== undefined ? { strength: s.strength } : {}),
        ...(locked ? { locked } : {}),
      };
    }),
    z: row(src.z, zDim),
    ...(slotZ?.some((v) => v) ? { slotZ } : {}),
    backend: src.backend,
    ...(batch && batch > 1 ? { batch } : {}),
    ...(src.lineage?.edits?.length ? { edits: src.lineage.edits } : {}),
    ...(src.lineage?.variation ? { variation: src.lineage.variation } : {}),
    ...(src.lineage?.crossbreed ? { crossbreed: src.lineage.crossbreed } : {}),
  };
}
