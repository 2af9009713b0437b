/**
 * Messages between the page and the generator worker. Every request carries an id; the worker
 * answers it with progress messages, then exactly one result or error. Each request `type` fixes
 * its payload and its result type (see ResultOf); errors cross as {name, message} and are rebuilt
 * into the same class on the page (see errors.ts).
 */
import type { Architecture } from '../core/config/architecture';
import type { ModelTopology } from '../core/model/model_format';
import type { InterpolationTarget } from '../core/latent/interpolate';
import type { Endpoint } from '../core/sampling/interpolation';
import type { RawInputs, SampleSettings } from '../core/sampling/sample';
import type { DirectionSet } from '../core/edit/sefa';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What the worker found out about one backend on this device. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** A software rasteriser (SwiftShader, llvmpipe, a fallback adapter): slower than WASM. */
  software: boolean;
  /** Adapter / renderer name, or why it is unavailable. */
  detail: string;
}

export interface BackendState {
  name: BackendName;
  /** Why this one: "fastest available", "you chose it", "WebGPU device lost", ... */
  reason: string;
  probes: BackendProbe[];
  /** WASM only: the XNNPACK threads it computes with (1 where the page is not cross-origin isolated). */
  threads?: number;
  /** Something the user should know about the choice: a backend that hung and was skipped. */
  notice?: string;
}

/** Where a model comes from. */
export type ModelSource =
  /** Our model.json, or a raw checkpoint (with config.json beside it where needed). */
  | { kind: 'url'; url: string; configUrl?: string; cacheKey?: string; label?: string }
  /** Dropped or picked files: a checkpoint (+ config.json), or model.json + shards. */
  | { kind: 'files'; files: File[] }
  /** A model converted earlier and kept in IndexedDB. */
  | { kind: 'cached'; key: string };

export interface ModelInfo {
  label: string;
  architecture: Architecture;
  topology: ModelTopology;
  /** Latent slot names (latentSlots()). */
  slots: string[];
  weightBytes: number;
  /** Loaded from the IndexedDB cache rather than the network or a file. */
  fromCache: boolean;
  /** Key under which it is cached, if it is. */
  cacheKey?: string;
  /** Why keeping it offline failed (a full quota, private mode); the model runs all the same. */
  cacheError?: string;
}

export interface CachedModel {
  key: string;
  bytes: number;
  savedAt: string;
}

export type LoadPhase = 'cache' | 'download' | 'read' | 'convert' | 'pack' | 'save' | 'upload' | 'compile';

export interface LoadProgress {
  kind: 'load';
  phase: LoadPhase;
  /** Bytes (download, read) or weights (convert); total 0 when unknown. */
  loaded: number;
  total: number;
  /** What is being fetched or read. */
  item?: string;
  /** Downloads: bytes per second lately (0 until known), and connections dropped and resumed. */
  rate?: number;
  resumes?: number;
}

export interface SampleImage {
  kind: 'sample';
  /** Index within the batch. */
  index: number;
  width: number;
  height: number;
  /** RGBA, width * height * 4 bytes, transferred. */
  rgba: Uint8ClampedArray;
  /** Milliseconds this sample took (its share of its chunk). */
  ms: number;
}

export type RenderSettings = SampleSettings & { batch: number };

/** A walk from A to B in `steps` frames (both ends included); frames come back as SampleImage progress. */
export interface InterpolationJob {
  a: Endpoint;
  b: Endpoint;
  steps: number;
  what: InterpolationTarget;
}

/** The payload of a request that has nothing to say beyond its type. */
type NoFields = Record<never, never>;

/**
 * Every request the worker answers: what the page sends (besides `type` and `id`), what comes back
 * once at the end, and what comes back along the way. A new request is one entry here and one
 * handler in handler.ts; the client and the handler's dispatch follow from it.
 */
export interface Protocol {
  init: { request: { backend: BackendChoice }; result: BackendState; progress: LoadProgress };
  setBackend: { request: { backend: BackendChoice }; result: BackendState; progress: LoadProgress };
  /**
   * `cancelFlag` (SharedArrayBuffer-backed, where the page is cross-origin isolated): the page sets
   * it to 1 to cancel, which reaches the worker even while it converts synchronously.
   */
  loadModel: { request: { source: ModelSource; cancelFlag?: Int32Array }; result: ModelInfo; progress: LoadProgress };
  render: {
    request: { settings: RenderSettings };
    result: { ms: number; backend: BackendName };
    progress: SampleImage;
  };
  /** Frames are made a chunk at a time; renders run between chunks; cancel or a newer walk stops it. */
  interpolate: {
    request: { job: InterpolationJob };
    result: { ms: number; backend: BackendName; frames: number };
    progress: SampleImage;
  };
  /** Semantic directions (SeFa) of the loaded model for a slot range, top `top` of them. */
  directions: { request: { slots: number[]; top: number }; result: DirectionSet; progress: never };
  /**
   * Samples from exact latents (variations, crossbreeds): drawn like a render, one chunk per turn
   * of the queue; a newer one of these, or a cancel, stops it.
   */
  renderLatents: {
    request: { inputs: RawInputs };
    result: { ms: number; backend: BackendName };
    progress: SampleImage;
  };
  cancel: { request: { target: number }; result: { cancelled: boolean }; progress: never };
  listCached: { request: NoFields; result: CachedModel[]; progress: never };
  deleteCached: { request: { key: string }; result: CachedModel[]; progress: never };
  /** Test and diagnosis hook: destroys the WebGPU device as a driver reset would. */
  loseDevice: { request: NoFields; result: { lost: boolean }; progress: never };
}

export type RequestType = keyof Protocol;
/** A request without its id, as the client's callers write it. */
export type RequestBody<K extends RequestType = RequestType> = { [P in K]: { type: P } & Protocol[P]['request'] }[K];
export type RequestOf<K extends RequestType = RequestType> = {
  [P in K]: { type: P; id: number } & Protocol[P]['request'];
}[K];
export type Request = RequestOf;
export type ResultOf<K extends RequestType> = Protocol[K]['result'];
export type ProgressOf<K extends RequestType> = Protocol[K]['progress'];

export interface SerializedError {
  name: string;
  message: string;
}

/** What the worker sends back about request `id`, of type `request`. */
export type ReplyOf<K extends RequestType = RequestType> =
  | { type: 'result'; id: number; request: K; result: ResultOf<K> }
  | { type: 'progress'; id: number; request: K; progress: ProgressOf<K> }
  | { type: 'error'; id: number; request: K; error: SerializedError };

/** Something the worker tells the page unasked: a lost GPU, a backend change it had to make. */
export type WorkerEvent = { kind: 'backendChanged'; backend: BackendState; message: string };

export type Response = ReplyOf | { type: 'event'; event: WorkerEvent };
