/**
 * Semantic directions and the edits made with them, the variations grid, and where the current
 * sample came from (a variation or a crossbreed of two others).
 */
import type { StateCreator } from 'zustand';
import type { CrossbreedRecord, VariationRecord } from '../../core/edit/edit_record';
import type { DirectionEdit } from '../../core/edit/latent_edits';
import type { ClassWeight } from '../../core/latent/class_vector';
import type { Latents } from '../../core/latent/latent_request';
import type { SampleRecord } from '../../core/export/sample_record';
import type { AppState } from './store';

/** Directions of one slot range of the model in use, as the worker computed them. */
export interface DirectionsView {
  /** "0", "0-2", "all". */
  range: string;
  slots: number[];
  vectors: Float32Array[];
  values: number[];
  ms: number;
}

/** A direction imported from a file (or named earlier) that is not one of the computed ones. */
export interface ExtraDirection {
  key: string;
  slots: number[];
  index: number;
  vector: number[];
  name: string;
}

export interface VariationChild {
  seed: number;
  latents: Latents;
  classes: ClassWeight[];
  rgba: Uint8ClampedArray | null;
  width: number;
  height: number;
}

export interface LineageSlice {
  dirRange: string;
  directions: DirectionsView | null;
  dirStatus: 'idle' | 'computing' | 'ready' | 'error';
  dirError: string | null;
  /** User names by direction key (`range:index`), kept per model in IndexedDB. */
  dirNames: Record<string, string>;
  extraDirections: ExtraDirection[];
  /** Active edits, one per direction key; amount 0 removes it. */
  edits: (DirectionEdit & { key: string })[];
  variationStrength: number;
  /** 'all' or one slot index. */
  variationSlots: 'all' | number;
  variationClassChange: boolean;
  variations: VariationChild[];
  variationBase: number;
  /** The record of the sample the grid's children vary. */
  variationParent: SampleRecord | null;
  /** Where the current sample came from, when it is a variation or crossbreed child. */
  origin: { variation?: VariationRecord; crossbreed?: CrossbreedRecord } | null;
  /** The crossbreed's parents as picked (A, B). */
  crossA: SampleRecord | null;
  crossB: SampleRecord | null;
  crossMix: number;
  /** 'a' or 'b' per slot as the user set them; null draws them at random. */
  crossPick: string | null;
}

export const createLineageSlice: StateCreator<AppState, [], [], LineageSlice> = () => ({
  dirRange: '0',
  directions: null,
  dirStatus: 'idle',
  dirError: null,
  dirNames: {},
  extraDirections: [],
  edits: [],
  variationStrength: 0.5,
  variationSlots: 'all',
  variationClassChange: false,
  variations: [],
  variationBase: 1,
  variationParent: null,
  origin: null,
  crossA: null,
  crossB: null,
  crossMix: 0.5,
  crossPick: null,
});
