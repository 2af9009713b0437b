/** Export options, interpolation endpoints and frames, and the sample history (the page's output side). */
import type { StateCreator } from 'zustand';
import type { SampleRecord } from '../../core/export/sample_record';
import type { InterpolationTarget } from '../../core/latent/interpolate';
import type { ExportScale, ScaleFilter } from '../export/resize';
import type { AppState } from './store';

/** A sample picked as one end of an interpolation. */
export interface PickedSample {
  record: SampleRecord;
  /** Object URL of a small PNG of it. */
  thumb: string;
}

export interface HistoryItem {
  id: number;
  /** Same settings, same key: the history keeps one entry per sample. */
  key: string;
  record: SampleRecord;
  /** Object URL of its thumbnail PNG (which carries the record too). */
  thumb: string;
  starred: boolean;
  savedAt: number;
}

export type JobStatus = 'idle' | 'generating' | 'encoding' | 'done';

export interface JobProgress {
  label: string;
  done: number;
  total: number;
}

export interface ExportSlice {
  exportScale: ExportScale;
  /** The user picked the size; until then it follows the model (legibleScale). */
  exportScaleChosen: boolean;
  exportFilter: ScaleFilter;
  gridCaption: boolean;
  interpA: PickedSample | null;
  interpB: PickedSample | null;
  interpSteps: number;
  interpWhat: InterpolationTarget;
  /** Playback and export speed of the walk, and whether it goes back and forth. */
  interpFps: number;
  interpPingPong: boolean;
  /** RGBA frames of the last walk (null where not drawn yet), all `interpSize` square. */
  interpFrames: (Uint8ClampedArray | null)[];
  interpSize: number;
  /** The A/B pair and steps the frames were made for (names the exported files). */
  interpMadeFor: { a: SampleRecord; b: SampleRecord; what: InterpolationTarget } | null;
  interpStatus: JobStatus;
  interpProgress: JobProgress | null;
  interpError: string | null;
  /** The WebCodecs codec for WebM export here; null where the browser has none. */
  videoCodec: string | null;
  history: HistoryItem[];
}

export const DEFAULT_STEPS = 8;
export const DEFAULT_FPS = 10;

export const createExportSlice: StateCreator<AppState, [], [], ExportSlice> = () => ({
  exportScale: 1,
  exportScaleChosen: false,
  exportFilter: 'nearest',
  gridCaption: false,
  interpA: null,
  interpB: null,
  interpSteps: DEFAULT_STEPS,
  interpWhat: 'both',
  interpFps: DEFAULT_FPS,
  interpPingPong: false,
  interpFrames: [],
  interpSize: 0,
  interpMadeFor: null,
  interpStatus: 'idle',
  interpProgress: null,
  interpError: null,
  videoCodec: null,
  history: [],
});
