/** What the user set: the sample's inputs, the model asked for and the backend asked for. */
import type { StateCreator } from 'zustand';
import type { ClassWeight } from '../../core/latent/class_vector';
import { DEFAULT_TRUNCATION_MODE, type TruncationMode } from '../../core/latent/truncation';
import type { BackendChoice } from '../../worker/protocol';
import type { AppState } from './store';

/** One latent slot (a generator block's z chunk, or its own z for BigGAN-deep). */
export interface SlotState {
  /** Locked: pinned to `seed`, unaffected by seed changes and "resample unlocked". */
  locked: boolean;
  /** Pinned seed (locked, or resampled on its own); undefined follows the sample's seed. */
  seed?: number;
  /** Multiplies the slot's values. */
  strength: number;
  /** Exact values (a variation or crossbreed child's z for this slot); they win over the seed. */
  values?: Float32Array;
}

/** A model reference as the URL carries it: a catalog id or a URL (with config beside it if needed). */
export interface ModelRef {
  model: string;
  config?: string;
}

export interface SettingsSlice {
  classes: ClassWeight[];
  truncation: number;
  mode: TruncationMode;
  seed: number;
  batch: number;
  slots: SlotState[];
  /** The sample of the batch that export and lock act on. */
  current: number;
  backendChoice: BackendChoice;
}

export const DEFAULT_TRUNCATION = 0.5;

export const initialSettings: SettingsSlice = {
  classes: [{ index: 0, weight: 1 }],
  truncation: DEFAULT_TRUNCATION,
  mode: DEFAULT_TRUNCATION_MODE,
  seed: 0,
  batch: 4,
  slots: [],
  current: 0,
  backendChoice: 'auto',
};

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = () => ({ ...initialSettings });
