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

export interface RuntimeSlice {
  backend: BackendState | null;
  backendBusy: boolean;
  samples: SampleView[];
  rendering: boolean;
  /** Counts render requests; the sample grid shows it, so tests can wait for a change's samples. */
  renderGeneration: number;
  renderError: string | null;
  notices: Notice[];
}

export const createRuntimeSlice: StateCreator<AppState, [], [], RuntimeSlice> = () => ({
  backend: null,
  backendBusy: false,
  samples: [],
  rendering: false,
  renderGeneration: 0,
  renderError: null,
  notices: [],
});
