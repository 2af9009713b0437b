/**
 * The worker side: owns the backend, the generator and the weights it was built from. Requests that
 * touch the backend (render, model swap, backend switch) run one at a time; a render that a newer
 * one has superseded stops between chunks. A model is prepared (downloaded, converted) beside the
 * current one, which keeps drawing until the new one is ready.
 */
import * as tf from '@tensorflow/tfjs-core';
import { latentSlots } from '../core/config/architecture';
import { CancelledError } from '../core/errors';
import { sampleSeed } from '../core/latent/latent_request';
import { loadGenerator, type LoadedModel } from '../core/model/load_generator';
import { interpolationInputs } from '../core/sampling/interpolation';
import { generateFromInputs, inputsFromSettings, toUint8Rgb, type RawInputs } from '../core/sampling/sample';
import { BACKEND_START_TIMEOUT_MS, startWithin } from './backend_start';
import { compilePipelines } from './compile_pipelines';
import { candidateOrder, describeChoice, probeBackends, resetWebGpu, trySetBackend, webGpuDevice } from './backends';
import { BackendError, NoModelError, serializeError } from './errors';
import { checkEndpoints, checkRawInputs, sliceInputs } from './inputs_slice';
import { semanticDirections } from '../core/edit/sefa';
import { deleteCached, hasCached, listCached, loadCached, saveCached } from './model_cache';
import { prepareFromFiles, prepareFromUrl, type PreparedModel, type PrepareContext } from './model_sources';
import { wasmThreads } from './wasm_thread_pool';
import type {
  BackendChoice,
  BackendName,
  BackendProbe,
  BackendState,
  ModelInfo,
  ModelSource,
  ProgressOf,
  RequestOf,
  RequestType,
  Response,
  ResultOf,
  SampleImage,
} from './protocol';

type Post = (msg: Response, transfer?: Transferable[]) => void;

/** What a handler gets besides its request. */
interface RequestContext<K extends RequestType> {
  /** Aborted when the page cancels this request. */
  signal: AbortSignal;
  progress: (p: ProgressOf<K>, transfer?: Transferable[]) => void;
}

/** One handler per request type of protocol.ts. */
type Handlers = { [K in RequestType]: (req: RequestOf<K>, ctx: RequestContext<K>) => Promise<ResultOf<K>> };

interface Current {
  loaded: LoadedModel;
  artifacts: tf.io.ModelArtifacts;
  info: ModelInfo;
}

const yieldToMessages = () => new Promise<void>((r) => setTimeout(r, 0));

export class Handler {
  private probes: BackendProbe[] | null = null;
  private backend: BackendState | null = null;
  private current: Current | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private latestRender = -1;
  private latestInterpolation = -1;
  private latestLatents = -1;
  private readonly aborts = new Map<number, AbortController>();
  private deviceToken = 0;

  private readonly handlers: Handlers = {
    init: (req) => this.exclusive(() => this.selectBackend(req.backend)),
    setBackend: (req) => this.exclusive(() => this.selectBackend(req.backend)),
    loadModel: (req, ctx) => this.loadModel(req, ctx),
    render: (req, ctx) => {
      this.latestRender = req.id;
      return this.exclusive(() => this.render(req, ctx));
    },
    interpolate: (req, ctx) => {
      this.latestInterpolation = req.id;
      return this.interpolate(req, ctx);
    },
    directions: (req) => this.exclusive(() => this.directions(req)),
    renderLatents: (req, ctx) => {
      this.latestLatents = req.id;
      return this.renderLatents(req, ctx);
    },
    cancel: async (req) => this.cancel(req.target),
    listCached: () => listCached(),
    deleteCached: (req) => deleteCached(req.key).then(listCached),
    loseDevice: async () => this.loseDevice(),
  };

  constructor(private readonly post: Post) {}

  async handle<K extends RequestType>(req: RequestOf<K>): Promise<void> {
    const ctrl = new AbortController();
    this.aborts.set(req.id, ctrl);
    const to = { id: req.id, request: req.type };
    const ctx: RequestContext<K> = {
      signal: ctrl.signal,
      progress: (progress, transfer) => this.post({ type: 'progress', ...to, progress }, transfer),
    };
    try {
      const result = await this.handlers[req.type](req, ctx);
      this.post({ type: 'result', ...to, result });
    } catch (e) {
      this.post({ type: 'error', ...to, error: serializeError(e) });
    } finally {
      this.aborts.delete(req.id);
    }
  }

  /** Runs `fn` after everything queued before it. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private cancel(target: number): ResultOf<'cancel'> {
    this.aborts.get(target)?.abort();
    return { cancelled: true };
  }

  // ---- backends ----

  private async selectBackend(choice: BackendChoice, reason?: string): Promise<BackendState> {
    this.probes ??= await probeBackends();
    const probes = this.probes;
    const wasWebGpu = tf.getBackend() === 'webgpu';
    const hung: BackendName[] = [];
    for (const name of candidateOrder(choice, probes)) {
      const outcome = await startWithin(name, () => trySetBackend(name));
      if (outcome === 'timed out') hung.push(name);
      if (outcome !== 'started') continue;
      if (wasWebGpu && name !== 'webgpu') this.deviceToken++;
      this.backend = {
        name,
        reason: reason ?? describeChoice(choice, name, probes),
        probes,
        ...(name === 'wasm' ? { threads: wasmThreads() } : {}),
        ...(hung.length > 0 ? { notice: hungNotice(hung, name) } : {}),
      };
      this.watchDevice();
      if (this.current) await this.rebuildGenerator();
      return this.backend;
    }
    throw new BackendError('No compute backend could start in this browser (WebGPU, WebGL, WASM and CPU all failed).');
  }

  /** Weights live on one backend: after a switch, build the generator again from the kept artifacts. */
  private async rebuildGenerator(): Promise<void> {
    const cur = this.current!;
    try {
      cur.loaded.generator.dispose();
    } catch {
      // Its backend may be gone (lost device); the new one starts clean.
    }
    cur.loaded = await loadGenerator(cur.artifacts);
    await this.compileFor(cur.loaded);
  }

  /**
   * On WebGPU and WebGL, compiles every program a draw will use (one and a full chunk of samples)
   * before the first one, reporting programs ready as the "compile" phase.
   */
  private async compileFor(loaded: LoadedModel, progress?: (p: ProgressOf<'loadModel'>) => void): Promise<void> {
    const sizes = [1, this.chunkSize()];
    await compilePipelines(loaded, sizes, (done, total) =>
      progress?.({ kind: 'load', phase: 'compile', loaded: done, total }),
    );
  }

  private watchDevice(): void {
    const device = webGpuDevice();
    if (!device) return;
    const token = ++this.deviceToken;
    void device.lost.then((info) => {
      if (token !== this.deviceToken) return;
      void this.exclusive(() => this.recoverFromLoss(info.message || info.reason || 'unknown reason'));
    });
  }

  private async recoverFromLoss(why: string): Promise<void> {
    this.deviceToken++;
    if (this.current) {
      try {
        this.current.loaded.generator.dispose();
      } catch {
        // The device is gone; so is the memory.
      }
    }
    resetWebGpu();
    let message: string;
    let state: BackendState;
    try {
      state = await this.selectBackend('webgpu', 'recovered after the GPU device was lost');
      message =
        state.name === 'webgpu'
          ? `The GPU device was lost (${why}); WebGPU restarted and the model was reloaded.`
          : `The GPU device was lost (${why}); switched to ${state.name.toUpperCase()}.`;
    } catch (e) {
      state = this.backend!;
      message = `The GPU device was lost (${why}) and no backend could restart: ${(e as Error).message}`;
    }
    this.post({ type: 'event', event: { kind: 'backendChanged', backend: state, message } });
  }

  private loseDevice(): { lost: boolean } {
    const device = webGpuDevice();
    device?.destroy();
    return { lost: Boolean(device) };
  }

  // ---- models ----

  private async loadModel(
    req: RequestOf<'loadModel'>,
    { signal, progress }: RequestContext<'loadModel'>,
  ): Promise<ModelInfo> {
    const flag = req.cancelFlag;
    const ctx = {
      signal,
      progress,
      cancelled: () => signal.aborted || (flag !== undefined && Atomics.load(flag, 0) === 1),
    };
    const { prepared, cacheKey, fromCache, cacheError } = await this.prepare(req.source, ctx);
    if (ctx.cancelled()) throw new CancelledError('Loading cancelled.');
    return this.exclusive(async () => {
      if (!this.backend) await this.selectBackend('auto');
      progress({ kind: 'load', phase: 'upload', loaded: 0, total: 0 });
      const loaded = await loadGenerator(prepared.artifacts);
      try {
        if (!ctx.cancelled()) await this.compileFor(loaded, progress);
      } catch (e) {
        loaded.generator.dispose();
        throw e;
      }
      if (ctx.cancelled()) {
        loaded.generator.dispose();
        throw new CancelledError('Loading cancelled.');
      }
      const old = this.current;
      const arch = loaded.topology.architecture;
      const info: ModelInfo = {
        label: prepared.label,
        architecture: arch,
        topology: loaded.topology,
        slots: latentSlots(arch),
        weightBytes: weightBytes(prepared.artifacts),
        fromCache,
        cacheKey,
        ...(cacheError ? { cacheError } : {}),
      };
      this.current = { loaded, artifacts: prepared.artifacts, info };
      old?.loaded.generator.dispose();
      return info;
    });
  }

  private async prepare(
    source: ModelSource,
    ctx: PrepareContext,
  ): Promise<{ prepared: PreparedModel; cacheKey?: string; fromCache: boolean; cacheError?: string }> {
    if (source.kind === 'cached') {
      ctx.progress({ kind: 'load', phase: 'cache', loaded: 0, total: 0, item: source.key });
      return {
        prepared: { artifacts: await loadCached(source.key), label: source.key, cacheable: false },
        cacheKey: source.key,
        fromCache: true,
      };
    }
    if (source.kind === 'files') return { prepared: await prepareFromFiles(source.files, ctx), fromCache: false };
    const key = source.cacheKey;
    if (key && (await hasCached(key))) {
      ctx.progress({ kind: 'load', phase: 'cache', loaded: 0, total: 0, item: key });
      const artifacts = await loadCached(key);
      return { prepared: { artifacts, label: source.label ?? key, cacheable: false }, cacheKey: key, fromCache: true };
    }
    const prepared = await prepareFromUrl(source.url, source.configUrl, ctx);
    if (source.label) prepared.label = source.label;
    if (key && prepared.cacheable) {
      ctx.progress({ kind: 'load', phase: 'save', loaded: 0, total: 0, item: key });
      const failed = await saveCached(key, prepared.artifacts);
      return {
        prepared,
        cacheKey: failed ? undefined : key,
        fromCache: false,
        ...(failed ? { cacheError: failed } : {}),
      };
    }
    return { prepared, fromCache: false };
  }

  // ---- sampling ----

  /** Samples per forward pass: GPUs like a few at once, CPUs answer sooner one by one. */
  private chunkSize(): number {
    const backend = this.backend!.name;
    return backend === 'webgpu' || backend === 'webgl' ? 4 : 1;
  }

  private async render(
    { id, settings }: RequestOf<'render'>,
    ctx: RequestContext<'render'>,
  ): Promise<ResultOf<'render'>> {
    const cur = this.current;
    if (!cur) throw new NoModelError('No model is loaded yet.');
    const backend = this.backend!.name;
    const chunk = this.chunkSize();
    const started = performance.now();
    for (let start = 0; start < settings.batch; start += chunk) {
      if (id !== this.latestRender || ctx.signal.aborted)
        throw new CancelledError('A newer request replaced this one.');
      const n = Math.min(chunk, settings.batch - start);
      const inputs = inputsFromSettings(cur.loaded.generator, {
        ...settings,
        seed: sampleSeed(settings.seed, start),
        batch: n,
      });
      await this.drawRows(ctx.progress, cur, inputs, start);
      await yieldToMessages();
    }
    return { ms: performance.now() - started, backend };
  }

  /**
   * An interpolation walk, one chunk per turn of the render queue, so that renders asked for
   * meanwhile go between its chunks; a cancel, a newer walk or a model change stops it.
   */
  private async interpolate(
    { id, job }: RequestOf<'interpolate'>,
    ctx: RequestContext<'interpolate'>,
  ): Promise<ResultOf<'interpolate'>> {
    const first = this.current;
    if (!first) throw new NoModelError('No model is loaded yet.');
    checkEndpoints(first.info.architecture, job);
    const inputs = interpolationInputs(first.info.architecture, job.a, job.b, job.steps, job.what);
    const started = performance.now();
    let backend = this.backend!.name;
    for (let start = 0; start < job.steps;) {
      start += await this.exclusive(async () => {
        if (id !== this.latestInterpolation || ctx.signal.aborted)
          throw new CancelledError('The interpolation was cancelled.');
        const cur = this.current;
        if (cur !== first) throw new CancelledError('The model changed; the interpolation stopped.');
        backend = this.backend!.name;
        const n = Math.min(this.chunkSize(), job.steps - start);
        await this.drawRows(ctx.progress, cur, sliceInputs(inputs, start, n), start);
        return n;
      });
      await yieldToMessages();
    }
    return { ms: performance.now() - started, backend, frames: job.steps };
  }

  private async directions({ slots, top }: RequestOf<'directions'>): Promise<ResultOf<'directions'>> {
    const cur = this.current;
    if (!cur) throw new NoModelError('No model is loaded yet.');
    return semanticDirections(cur.info.architecture, (name) => cur.loaded.weights.get(name), slots, top);
  }

  private async renderLatents(
    { id, inputs }: RequestOf<'renderLatents'>,
    ctx: RequestContext<'renderLatents'>,
  ): Promise<ResultOf<'renderLatents'>> {
    const first = this.current;
    if (!first) throw new NoModelError('No model is loaded yet.');
    checkRawInputs(first.info.architecture, inputs);
    const started = performance.now();
    let backend = this.backend!.name;
    for (let start = 0; start < inputs.batch;) {
      start += await this.exclusive(async () => {
        if (id !== this.latestLatents || ctx.signal.aborted)
          throw new CancelledError('A newer request replaced this one.');
        if (this.current !== first) throw new CancelledError('The model changed; these samples were not drawn.');
        backend = this.backend!.name;
        const n = Math.min(this.chunkSize(), inputs.batch - start);
        await this.drawRows(ctx.progress, first, sliceInputs(inputs, start, n), start);
        return n;
      });
      await yieldToMessages();
    }
    return { ms: performance.now() - started, backend };
  }

  /** Draws `inputs` and shows each row as a SampleImage with index offset + row. */
  private async drawRows(show: SampleSink, cur: Current, inputs: RawInputs, offset: number): Promise<void> {
    const t0 = performance.now();
    const images = generateFromInputs(cur.loaded.generator, inputs);
    const bytes = toUint8Rgb(images);
    images.dispose();
    let rgb: Int32Array;
    try {
      rgb = (await bytes.data()) as Int32Array;
    } finally {
      bytes.dispose();
    }
    const n = inputs.batch;
    const ms = (performance.now() - t0) / n;
    const size = cur.info.architecture.resolution;
    for (let k = 0; k < n; k++) {
      const image = toSampleImage(offset + k, size, rgb.subarray(k * size * size * 3, (k + 1) * size * size * 3), ms);
      show(image, [image.rgba.buffer]);
    }
  }
}

type SampleSink = (image: SampleImage, transfer: Transferable[]) => void;

function toSampleImage(index: number, size: number, rgb: Int32Array, ms: number): SampleImage {
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgba[q] = rgb[p];
    rgba[q + 1] = rgb[p + 1];
    rgba[q + 2] = rgb[p + 2];
    rgba[q + 3] = 255;
  }
  return { kind: 'sample', index, width: size, height: size, rgba, ms };
}

function hungNotice(hung: BackendName[], used: BackendName): string {
  const names = hung.map((n) => n.toUpperCase()).join(' and ');
  return `${names} did not start within ${BACKEND_START_TIMEOUT_MS / 1000} s, so the page uses ${used.toUpperCase()}.`;
}

function weightBytes(a: tf.io.ModelArtifacts): number {
  const d = a.weightData;
  if (!d) return 0;
  return Array.isArray(d) ? d.reduce((s, b) => s + b.byteLength, 0) : d.byteLength;
}
