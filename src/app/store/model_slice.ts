/** The model in use, the one being loaded, and the IndexedDB cache. */
import type { StateCreator } from 'zustand';
import type { ModelClass } from '../../core/classes/model_classes';
import type { CachedModel, LoadProgress, ModelInfo } from '../../worker/protocol';
import type { ModelRef } from './settings_slice';
import type { AppState } from './store';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  modelStatus: ModelStatus;
  /** The model that draws now, and the reference it came from (null for dropped files). */
  modelInfo: ModelInfo | null;
  modelRef: ModelRef | null;
  classList: readonly ModelClass[];
  /** What is loading, for the status line. */
  loadingLabel: string | null;
  loadProgress: LoadProgress | null;
  /** The last load's failure; the previous model keeps drawing. */
  loadError: string | null;
  cached: CachedModel[];
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = () => ({
  modelStatus: 'idle',
  modelInfo: null,
  modelRef: null,
  classList: [],
  loadingLabel: null,
  loadProgress: null,
  loadError: null,
  cached: [],
});
