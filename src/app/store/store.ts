/** The one bound store: settings, model, runtime and export slices (zustand slices pattern). */
import { create } from 'zustand';
import { createExportSlice, type ExportSlice } from './export_slice';
import { createLineageSlice, type LineageSlice } from './lineage_slice';
import { createModelSlice, type ModelSlice } from './model_slice';
import { createRuntimeSlice, type RuntimeSlice } from './runtime_slice';
import { createSettingsSlice, type SettingsSlice } from './settings_slice';
import { createSourceSlice, type SourceSlice } from './source_slice';

export type AppState = SettingsSlice & ModelSlice & RuntimeSlice & ExportSlice & SourceSlice & LineageSlice;

export const useStore = create<AppState>()((...a) => ({
  ...createSettingsSlice(...a),
  ...createModelSlice(...a),
  ...createRuntimeSlice(...a),
  ...createExportSlice(...a),
  ...createLineageSlice(...a),
  ...createSourceSlice(...a),
}));
