/** `biggan sample`: draw samples to PNG (one per sample or a grid) or raw float32 .npy. */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { classesForModel } from '../../core/classes/model_classes';
import { parseClassSpec } from '../../core/classes/class_search';
import { SettingsError } from '../../core/errors';
import { readSampleRecord } from '../../core/export/png_metadata';
import {
  checkRecordFits,
  recordDrawnLatents,
  recordLatents,
  slotSettingsFromRecord,
  type RecordSource,
  type SampleRecord,
} from '../../core/export/sample_record';
import { editsToRecord } from '../../core/edit/edit_record';
import { writeNpy } from '../../core/io/npy';
import { classVector } from '../../core/latent/class_vector';
import {
  checkTruncation,
  DEFAULT_TRUNCATION_MODE,
  TRUNCATION_MODES,
  type TruncationMode,
} from '../../core/latent/truncation';
import { generateFromInputs, inputsFromSettings, type RawInputs } from '../../core/sampling/sample';
import { directionEdits } from '../direction_args';
import { exactInputs } from '../exact_inputs';
import { openModel, type ModelRef } from '../model_ref';
import { toRgbImages, writeOutput, writePngs } from '../sample_output';
import { useBackend } from '../tf_node';

export function optionalNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new SettingsError(`--${name} must be a number; got '${value}'.`);
  return n;
}

/** The exact inputs a PNG's record describes, checked against the model it is used with. */
export function inputsFromRecord(model: ModelRef, record: SampleRecord): RawInputs {
  if (record.model.hash !== model.topology.contentHash) {
    console.error(
      `warning: this sample was made with model '${record.model.id}' whose weights differ from ` +
        `'${model.id}' (sha256 ${record.model.hash.slice(0, 12)}... vs ${model.topology.contentHash.slice(0, 12)}...).`,
    );
  }
  const arch = model.generator.architecture;
  return {
    ...recordLatents(record),
    classVector: classVector(arch.numClasses, record.classes),
    batch: 1,
    truncation: record.truncation,
  };
}

export async function sampleCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      config: { type: 'string' },
      class: { type: 'string' },
      truncation: { type: 'string' },
      'truncation-mode': { type: 'string', default: DEFAULT_TRUNCATION_MODE },
      seed: { type: 'string', default: '0' },
      batch: { type: 'string', default: '1' },
      out: { type: 'string' },
      grid: { type: 'boolean', default: false },
      z: { type: 'string' },
      'class-vector': { type: 'string' },
      'out-npy': { type: 'string' },
      from: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      direction: { type: 'string', multiple: true, default: [] },
    },
  });
  const mode = values['truncation-mode'] as TruncationMode;
  if (!TRUNCATION_MODES.includes(mode))
    throw new SettingsError(`--truncation-mode must be scaled or threshold; got '${mode}'.`);
  const truncation = optionalNumber(values.truncation, 'truncation');
  if (truncation !== undefined) checkTruncation(truncation);
  const record = values.from ? readSampleRecord(new Uint8Array(readFileSync(values.from))) : undefined;
  const backend = await useBackend(values.backend!);
  const model = await openModel(values.model, values.config, record);
  try {
    const arch = model.generator.architecture;
    const edits = directionEdits(values.direction!, arch);
    if (edits.length > 0 && values.z)
      throw new SettingsError('--direction edits seeded samples or --from; --z is used exactly as given.');
    let inputs: RawInputs;
    let source: RecordSource | undefined;
    if (record) {
      checkRecordFits(record, arch);
      const withEdits = { ...record, edits: [...(record.edits ?? []), ...editsToRecord(edits)] };
      inputs = inputsFromRecord(model, withEdits);
      source = {
        modelId: model.id,
        architecture: arch,
        contentHash: model.topology.contentHash,
        classes: record.classes,
        truncation: record.truncation,
        mode: record.mode,
        seed: record.seed,
        slots: slotSettingsFromRecord(record),
        locked: record.slots.map((s) => Boolean(s?.locked)),
        backend,
        ...recordDrawnLatents(record),
        lineage: { edits: withEdits.edits, variation: record.variation, crossbreed: record.crossbreed },
      };
    } else if (values.z) {
      inputs = exactInputs(arch, values.z, values['class-vector'], truncation);
    } else {
      const classes = classesForModel(model.topology);
      const settings = {
        classes: parseClassSpec(values.class ?? '0', classes),
        truncation: truncation ?? 0.4,
        mode,
        seed: optionalNumber(values.seed, 'seed')!,
        batch: optionalNumber(values.batch, 'batch')!,
        edits,
      };
      const full = inputsFromSettings(model.generator, settings);
      inputs = full;
      source = {
        modelId: model.id,
        architecture: arch,
        contentHash: model.topology.contentHash,
        classes: settings.classes,
        truncation: settings.truncation,
        mode,
        seed: settings.seed,
        z: full.latents.z,
        slotZ: full.latents.slotZ,
        backend,
        className: (i) => classes[i]?.names[0] ?? `class ${i}`,
        lineage: { edits: editsToRecord(edits) },
      };
    }
    const images = generateFromInputs(model.generator, inputs);
    const [n, h, w] = images.shape;
    if (values['out-npy']) {
      const raw = (await images.data()) as Float32Array;
      await writeOutput(values['out-npy'], writeNpy({ shape: [n, h, w, 3], data: raw }));
      console.log(`wrote ${values['out-npy']}: float32 [${n}, ${h}, ${w}, 3]`);
    }
    if (values.out || !values['out-npy']) {
      const frames = await toRgbImages(images);
      for (const line of await writePngs(frames, values.out ?? 'sample.png', values.grid, source))
        console.log(`wrote ${line}`);
    }
    images.dispose();
    return 0;
  } finally {
    model.generator.dispose();
  }
}
