/** The one bound store: settings, model and runtime slices (zustand slices pattern). */
import { create } from 'zustand';
import { createModelSlice, type ModelSlice } from './model_slice';
import { createRuntimeSlice, type RuntimeSlice } from './runtime_slice';
import { createSettingsSlice, type SettingsSlice } from './settings_slice';

export type AppState = SettingsSlice & ModelSlice & RuntimeSlice;

export const useStore = create<AppState>()((...a) => ({
  ...createSettingsSlice(...a),
  ...createModelSlice(...a),
  ...createRuntimeSlice(...a),
}));
