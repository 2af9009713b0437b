/** "Export PNG", "Export grid" and "Download all (zip)": files named for what they hold, each with its record. */
import { className } from '../../core/classes/model_classes';
import { zipSync } from 'fflate';
import { classSlug, fileBase, modelSlug, type NameParts } from '../export/file_names';
import { downloadBlob, pngBlob, pngBytes, sampleImage } from '../export/export_png';
import { tileImages } from '../../core/export/png';
import { GRID_GAP, tileGrid, withCaption } from '../export/grid_png';
import { legibleScale, upscale, type ExportScale, type ScaleFilter } from '../export/resize';
import { recordForView } from '../export/view_record';
import type { SampleView } from '../store/runtime_slice';
import type { AppState } from '../store/store';
import { useStore } from '../store/store';
import { stripSeed } from './strip_actions';
import { errorText, notify } from './worker_link';

export function setExportScale(scale: ExportScale): void {
  useStore.setState({ exportScale: scale, exportScaleChosen: true });
}

/** A newly loaded model gets a legible default size, unless the user chose one. */
export function followModelScale(resolution: number): void {
  if (!useStore.getState().exportScaleChosen) useStore.setState({ exportScale: legibleScale(resolution) });
}

export function setExportFilter(filter: ScaleFilter): void {
  useStore.setState({ exportFilter: filter });
}

export function setGridCaption(on: boolean): void {
  useStore.setState({ gridCaption: on });
}

type Drawn = SampleView & { rgba: Uint8ClampedArray };
const isDrawn = (x: SampleView): x is Drawn => x.fresh && x.rgba !== null;

/** The samples as drawn for the current settings, or null (with a notice) while any is pending. */
function drawnSamples(s: AppState): Drawn[] | null {
  if (!s.modelInfo || s.samples.length === 0 || !s.samples.every(isDrawn)) {
    notify('info', 'Wait until every sample is drawn, then export.');
    return null;
  }
  return s.samples as Drawn[];
}

export function nameParts(s: AppState, seeds: NameParts['seeds'], extra?: string): NameParts {
  return {
    model: modelSlug(s.modelRef, s.modelInfo?.label ?? 'model'),
    classes: classSlug(s.classes, s.classList),
    truncation: s.truncation,
    seeds,
    scale: s.exportScale,
    extra,
  };
}

const scaled = (s: AppState, x: Drawn) => upscale(sampleImage(x), s.exportScale, s.exportFilter);

export function exportCurrent(): void {
  const s = useStore.getState();
  const x = s.samples[s.current];
  if (!x || !isDrawn(x) || !s.modelInfo) return;
  const record = recordForView(s, x.index);
  downloadBlob(pngBlob(scaled(s, x), record), `${fileBase(nameParts(s, [x.seed]))}.png`);
}

export function exportGrid(): void {
  const s = useStore.getState();
  const samples = drawnSamples(s);
  if (!samples) return;
  let img = tileGrid(samples.map((x) => scaled(s, x)));
  if (s.gridCaption) img = withCaption(img, gridCaption(s));
  const record = recordForView(s, 0, samples.length);
  const seeds: NameParts['seeds'] = samples.length > 1 ? [samples[0].seed, samples.at(-1)!.seed] : [samples[0].seed];
  downloadBlob(pngBlob(img, record), `${fileBase(nameParts(s, seeds, 'grid'))}.png`);
}

export function gridCaption(s: AppState): string {
  const total = s.classes.reduce((a, c) => a + c.weight, 0);
  const names = s.classes
    .map(
      (c) =>
        `${className(s.classList, c.index)}${s.classes.length > 1 ? ` ${Math.round((c.weight / total) * 100)}%` : ''}`,
    )
    .join(' + ');
  const first = s.samples[0]?.seed ?? s.seed;
  const last = s.samples.at(-1)?.seed ?? first;
  return `${names}\ntruncation ${s.truncation.toFixed(2)} (${s.mode}) · seed${last !== first ? `s ${first}–${last}` : ` ${first}`}`;
}

/** The truncation strip as one PNG: the cells side by side, a caption with each t and spread, and the sample's record. */
export function exportTruncationStrip(): void {
  const s = useStore.getState();
  const strip = s.strip;
  if (!strip || strip.cells.some((c) => !c) || strip.spread.some((v) => v === null)) return;
  const cells = strip.cells.map((c) =>
    upscale(sampleImage({ width: strip.size, height: strip.size, rgba: c! }), s.exportScale, s.exportFilter),
  );
  const spread = strip.spread as number[];
  const caption =
    `${gridCaption(s).split('\n')[0]} · seed ${stripSeed(s)} · ${s.mode}\n` +
    `truncation ${strip.truncations.map((t) => t.toFixed(2)).join('  ')}\n` +
    `spread of ${strip.seeds} seeds ${spread.map((v) => v.toFixed(3)).join('  ')}`;
  const img = withCaption(tileImages(cells, cells.length, GRID_GAP), caption);
  const record = recordForView(s, s.current);
  if (!record) return;
  record.strip = { truncations: [...strip.truncations], spread, seeds: strip.seeds };
  downloadBlob(pngBlob(img, record), `${fileBase(nameParts(s, [stripSeed(s)], 'truncation-strip'))}.png`);
}

export async function exportZip(): Promise<void> {
  const s = useStore.getState();
  const samples = drawnSamples(s);
  if (!samples) return;
  try {
    const files: Record<string, Uint8Array> = {};
    for (const x of samples)
      files[`${fileBase(nameParts(s, [x.seed]))}.png`] = pngBytes(scaled(s, x), recordForView(s, x.index));
    // Stored, not deflated: PNGs are compressed already. fflate (which the page has anyway) instead
    // of zip.js keeps the built page within its size budget.
    const blob = new Blob([zipSync(files, { level: 0 })], { type: 'application/zip' });
    const seeds: NameParts['seeds'] = samples.length > 1 ? [samples[0].seed, samples.at(-1)!.seed] : [samples[0].seed];
    downloadBlob(blob, `${fileBase(nameParts(s, seeds))}.zip`);
  } catch (e) {
    notify('error', `Could not make the zip: ${errorText(e)}`);
  }
}
