/**
 * Where models come from: the Hub address, what each catalog mirror's probe found, Hub search
 * results, and a shared link whose model could not be loaded (shown with its reason and Retry).
 */
import type { StateCreator } from 'zustand';
import type { HubSearchHit } from '../../core/hub/hub_api';
import { DEFAULT_HUB } from '../../core/hub/hub_ref';
import { readLocal, writeLocal } from './local_setting';
import type { ProbeResult } from '../../worker/probe';
import type { ModelRef, SlotState } from './settings_slice';
import type { AppState } from './store';

/** One mirror of a catalog entry as last seen: not yet asked, being asked, or the probe's answer. */
export type MirrorStatus = { state: 'unknown' } | { state: 'probing' } | ProbeResult;

export interface HubSearchState {
  query: string;
  status: 'idle' | 'searching' | 'done' | 'error';
  hits: HubSearchHit[];
  error?: string;
}

/** A link's model that failed: the reason, and the link's settings kept for a retry. */
export interface LinkFailure {
  ref: ModelRef;
  reason: string;
  classSpec?: string;
  slotOverrides?: Map<number, Partial<SlotState>>;
  /** The address as it was opened; kept while the default model stands in. */
  search: string;
}

export interface SourceSlice {
  hubBase: string;
  /** Per catalog id, one status per mirror, in the entry's order. */
  mirrorStatus: Record<string, MirrorStatus[]>;
  hubSearch: HubSearchState;
  linkFailure: LinkFailure | null;
}

const HUB_KEY = 'biggan-explorer.hub';

export function storedHubBase(): string {
  return readLocal(HUB_KEY) || DEFAULT_HUB;
}

export function storeHubBase(url: string): void {
  writeLocal(HUB_KEY, url === DEFAULT_HUB ? null : url);
}

export const createSourceSlice: StateCreator<AppState, [], [], SourceSlice> = () => ({
  hubBase: storedHubBase(),
  mirrorStatus: {},
  hubSearch: { query: '', status: 'idle', hits: [] },
  linkFailure: null,
});
