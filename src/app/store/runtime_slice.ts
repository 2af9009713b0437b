/** What the worker reports back: backend, samples drawn, notices for the user. */
import type { StateCreator } from 'zustand';
import type { BackendState } from '../../worker/protocol';
import type { AppState } from './store';

export interface SampleView {
  index: number;
  seed: number;
  width: number;
  height: number;
  /** RGBA pixels of the latest finished render of this cell; null before the first one. */
  rgba: Uint8ClampedArray | null;
  ms: number;
  /** The pixels match the current settings. */
  fresh: boolean;
}

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  text: string;
}

/** The truncation strip: one sample at several truncations, and the spread of a batch at each. */
export interface StripState {
  /** What it was drawn for (model, classes, mode, seed, slots); other settings make it stale. */
  key: string;
  truncations: readonly number[];
  /** RGBA of the sample at each truncation; null until drawn. */
  cells: (Uint8ClampedArray | null)[];
  /** Mean per-pixel standard deviation (0..1) across `seeds` samples at each truncation. */
  spread: (number | null)[];
  seeds: number;
  size: number;
}

export interface RuntimeSlice {
  backend: BackendState | null;
  backendBusy: boolean;
  samples: SampleView[];
  rendering: boolean;
  /** Counts render requests; the sample grid shows it, so tests can wait for a change's samples. */
  renderGeneration: number;
  renderError: string | null;
  notices: Notice[];
  strip: StripState | null;
  /** The enlarged view of the current sample is open. */
  viewerOpen: boolean;
}

export const createRuntimeSlice: StateCreator<AppState, [], [], RuntimeSlice> = () => ({
  backend: null,
  backendBusy: false,
  samples: [],
  rendering: false,
  renderGeneration: 0,
  renderError: null,
  notices: [],
  strip: null,
  viewerOpen: false,
});
