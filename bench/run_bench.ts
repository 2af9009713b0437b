/**
 * `npm run bench`: full-size generators of the released shapes with the same random weights on every
 * side (bench/models.ts), tfjs on the wasm backend in Node against CPU peers: PyTorch eager
 * (bench/torch_baseline.py, /usr/bin/python3, on a real BLAS), and that net exported to ONNX run by
 * ONNX Runtime native (onnxruntime-node) and ONNX Runtime Web's wasm build in Node
 * (bench/ort_runner.ts). All are measured in ONE run, interleaved run by run, with the same thread
 * count, so that a noisy machine slows every side alike and the ratios stay meaningful.
 *
 *   npx tsx bench/run_bench.ts [--models deep128,deep256,deep512,biggan128,tfhub128] [--batches 1,8]
 *       [--runs 3] [--warmup 1] [--threads 2] [--pool N] [--budget 40] [--layers]
 *       [--torch-variants folded[,rgb3,unfolded]] [--no-torch] [--ort native,web] [--no-ort]
 *       [--before .bench-old/<sha>/src] [--json out.json] [--verbose]
 *   npm run bench -- --backend webgpu [--models deep128,...] [--batches 1,8] [--runs 5]
 *       ours on WebGPU through Dawn only (bench/gpu/gpu_bench.ts); against PyTorch CUDA: bench/gpu/run.sh
 *
 * --runs      timed runs per (model, batch, side), after --warmup untimed ones; medians reported.
 * --budget    seconds per (model, batch) cell after which sides whose runs take over 15 s stop
 *             (each gets >= 1 timed run; cheap sides still get --runs), and such sides skip their
 *             warm-up at later batch sizes: keeps the default run near 10 minutes; 0 = no limit.
 * --threads   wasm thread counts to run (default 2; each in its own process); the ratio uses
 *             each. `--threads 1,2` shows the scaling. The peers run on the last of them.
 * --pool N    also N worker threads with one single-threaded backend each, sharing the batch
 *             image by image (bench/wasm_pool.ts); shown as "ours poolN".
 * --ort       ONNX Runtime engines to run as peers (native, web; default both).
 * --torch-blas-threads N  OpenBLAS's own thread pool in the torch process (default 1). torch's
 *             intra-op threads (oneDNN convolutions) are the peers' count either way; OpenBLAS's
 *             pool is separate, and its idle threads spin: with 2, torch alone here took 1426 ms
 *             CPU per image at batch 1 against 839 with 1 (batch 8: 609 / 556). 1 is torch's best.
 * --before    also time another revision's generators (src/ written by bench/old_nets.sh) on
 *             the same weights, in processes of their own, shown as "before Nt".
 * --layers    per-layer breakdown (tf.profile, by layer shape) for the first model at the first
 *             batch size, next to PyTorch's per-layer times.
 *
 * PyTorch on netlib's reference BLAS is refused (its matrix products are ~10x slower than a real
 * BLAS's, so a ratio against it flatters us): the run goes on without it and says what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_MODELS, benchDir, benchModel as findModel, ensureCheckpoint, ensureModelDir } from './models';
import type { LayerProfile } from './profile_layers';
import { median } from './median';

const HERE = import.meta.dirname;

interface Options {
  models: string[];
  batches: number[];
  runs: number;
  warmup: number;
  threads: number[];
  pool: number;
  budgetS: number;
  layers: boolean;
  torchVariants: string[];
  torch: boolean;
  ort: string[];
  before?: string;
  torchBlasThreads?: number;
  json?: string;
  verbose: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    models: BENCH_MODELS.map((m) => m.id),
    batches: [1, 8],
    runs: 3,
    warmup: 1,
    threads: [2],
    pool: 0,
    budgetS: 40,
    layers: false,
    torchVariants: ['folded'],
    torch: true,
    ort: ['native', 'web'],
    verbose: false,
  };
  const list = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--models') o.models = list(next());
    else if (a === '--batches') o.batches = list(next()).map(Number);
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--warmup') o.warmup = Number(next());
    else if (a === '--threads') o.threads = list(next()).map(Number);
    else if (a === '--budget') o.budgetS = Number(next());
    else if (a === '--pool') o.pool = Number(next());
    else if (a === '--layers') o.layers = true;
    else if (a === '--ort') o.ort = list(next());
    else if (a === '--no-ort') o.ort = [];
    else if (a === '--before') o.before = next();
    else if (a === '--torch-blas-threads') o.torchBlasThreads = Number(next());
    else if (a === '--torch-variants') o.torchVariants = list(next());
    else if (a === '--no-torch') o.torch = false;
    else if (a === '--json') o.json = next();
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run bench -- [--models deep128,deep256,deep512,biggan128,tfhub128] [--batches 1,8] [--runs 3] ' +
          '[--warmup 1] [--threads 2] [--pool 2] [--budget 40] [--layers] [--torch-variants folded,rgb3,unfolded] ' +
          '[--no-torch] [--ort native,web] [--no-ort] [--before .bench-old/<sha>/src] [--torch-blas-threads N] [--json out.json] [--verbose]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  for (const m of o.models) if (!BENCH_MODELS.some((b) => b.id === m)) throw new Error(`unknown model ${m}`);
  for (const e of o.ort)
    if (!ORT_ENGINES.includes(e)) throw new Error(`unknown ONNX Runtime engine ${e} (native or web)`);
  return o;
}

/** A child process speaking one JSON request / one reply per line. */
class Peer {
  private readonly child: ChildProcess;
  private readonly waiting: ((v: Record<string, unknown>) => void)[] = [];
  private readonly stderrTail: string[] = [];
  private exited: string | null = null;
  readonly ready: Promise<Record<string, unknown>>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    replyPrefix: string,
    verbose: boolean,
    env: Record<string, string> = {},
  ) {
    this.child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: join(HERE, '..'),
      env: { ...process.env, ...env },
    });
    this.ready = new Promise((resolve) => this.waiting.push(resolve));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.startsWith(replyPrefix)) {
        if (verbose) console.error(`[${name}] ${line}`);
        return;
      }
      const msg = JSON.parse(line.slice(replyPrefix.length)) as Record<string, unknown>;
      this.waiting.shift()?.(msg);
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      if (verbose) console.error(`[${name}] ${line.slice(0, 300)}`);
      this.stderrTail.push(line.slice(0, 300));
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    this.child.on('exit', (code) => {
      this.exited = `${name} exited with code ${code}:\n${this.stderrTail.join('\n')}`;
      for (const w of this.waiting.splice(0)) w({ error: this.exited });
    });
  }

  async request(req: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited) throw new Error(this.exited);
    const p = new Promise<Record<string, unknown>>((resolve) => this.waiting.push(resolve));
    this.child.stdin!.write(`${JSON.stringify(req)}\n`);
    const r = await p;
    if (r.error) throw new Error(`${this.name}: ${String(r.error)}`);
    return r;
  }

  async start(): Promise<Record<string, unknown>> {
    const r = await this.ready;
    if (r.error) throw new Error(`${this.name}: ${String(r.error)}`);
    return r;
  }

  private closed = false;

  close(): void {
    if (!this.exited && !this.closed) {
      this.closed = true;
      this.child.stdin!.write(`${JSON.stringify({ cmd: 'quit' })}\n`);
      this.child.stdin!.end();
    }
  }
}

const ORT_ENGINES = ['native', 'web'];

type SideKind = 'wasm' | 'torch' | 'ort';

/** One timed configuration: a process (peer) and what it is asked to run. */
interface Side {
  label: string;
  kind: SideKind;
  peer: Peer;
  variant: string;
  threads: number;
}

interface Cell {
  model: string;
  batch: number;
  side: string;
  kind: SideKind;
  threads: number;
  variant: string;
  msPerImage: number;
  cpuMsPerImage: number;
  runsMs: number[];
}

/** A run longer than this is "expensive": no warm-up at later batch sizes, fewer runs over budget. */
const EXPENSIVE_RUN_MS = 15000;

function wasmPeer(model: string, threads: number, pool: number, verbose: boolean, src?: string): Peer {
  return new Peer(
    `${src ? 'before' : 'wasm'}-${threads}t`,
    process.execPath,
    [
      '--import',
      'tsx',
      join(HERE, 'wasm_runner.ts'),
      '--model',
      model,
      '--threads',
      String(threads),
      '--pool',
      String(pool),
      ...(src ? ['--src', src] : []),
    ],
    '@@ ',
    verbose,
  );
}

/** torch on the benchmark checkpoint: the weights every other side loads too. */
function torchPeer(model: string, checkpoint: string, threads: number, blasThreads: number, verbose: boolean): Peer {
  return new Peer(
    'torch',
    '/usr/bin/python3',
    [
      join(HERE, 'torch_baseline.py'),
      '--model',
      model,
      '--checkpoint',
      checkpoint,
      '--serve',
      '--threads',
      String(threads),
    ],
    '',
    verbose,
    { OPENBLAS_NUM_THREADS: String(blasThreads) },
  );
}

function ortPeer(model: string, engine: string, threads: number, verbose: boolean): Peer {
  return new Peer(
    `ort-${engine}`,
    process.execPath,
    [
      '--import',
      'tsx',
      join(HERE, 'ort_runner.ts'),
      '--engine',
      engine,
      '--model',
      model,
      '--threads',
      String(threads),
    ],
    '@@ ',
    verbose,
  );
}

/** What torch_baseline.py reports about its BLAS (the libraries mapped after a product). */
interface BlasInfo {
  libs: string[];
  reference: boolean;
}

const REFERENCE_BLAS_REFUSAL =
  'PyTorch here runs on the reference BLAS (netlib libblas3): its matrix products are ~10x slower than a real ' +
  "BLAS's, so no ratio is reported against it. Install OpenBLAS (`apt-get install -y libopenblas0-pthread`; " +
  'Debian then points libblas.so.3 at it) and run again. Going on without PyTorch.';

async function runOnce(side: Side, batch: number): Promise<{ ms: number; cpuMs: number }> {
  const r = await side.peer.request({ cmd: 'run', batch, variant: side.variant });
  return { ms: Number(r.ms), cpuMs: Number(side.kind === 'torch' ? r.cpu_ms : r.cpuMs) };
}

async function benchModel(model: string, o: Options, out: Report): Promise<void> {
  await ensureModelDir(findModel(model)); // once, here, so the runners only read it
  const checkpoint = await ensureCheckpoint(findModel(model));
  const wasmPeers = o.threads.map((t) => ({ t, peer: wasmPeer(model, t, 0, o.verbose) }));
  const beforePeers = o.before ? o.threads.map((t) => ({ t, peer: wasmPeer(model, t, 0, o.verbose, o.before) })) : [];
  const poolPeer = o.pool > 0 ? wasmPeer(model, 1, o.pool, o.verbose) : null;
  const peerThreads = o.threads[o.threads.length - 1];
  let torch = o.torch ? torchPeer(model, checkpoint, peerThreads, o.torchBlasThreads ?? 1, o.verbose) : null;
  const ortPeers = o.ort.map((e) => ({ engine: e, peer: ortPeer(model, e, peerThreads, o.verbose) }));
  const peers = [...wasmPeers, ...beforePeers]
    .map((w) => w.peer)
    .concat(
      poolPeer ? [poolPeer] : [],
      torch ? [torch] : [],
      ortPeers.map((p) => p.peer),
    );
  try {
    const started = await Promise.all(peers.map((p) => p.start()));
    for (const [i, s] of started.entries()) {
      if (o.verbose) console.error(`  ${peers[i].name} ready: ${JSON.stringify(s)}`);
    }
    for (const [i, w] of wasmPeers.entries()) {
      const got = Number(started[i]!.threads);
      if (got !== w.t) console.log(`  note: asked wasm for ${w.t} threads, got ${got}`);
    }
    if (torch) {
      const blas = started[peers.indexOf(torch)]!.blas as BlasInfo;
      out.torchBlas = blas.libs;
      if (blas.reference) {
        console.log(`  ${REFERENCE_BLAS_REFUSAL} (mapped: ${blas.libs.join(', ') || 'no BLAS library found'})`);
        torch.close();
        torch = null;
      }
    }
    const sides: Side[] = [];
    for (const w of wasmPeers)
      sides.push({ label: `ours ${w.t}t`, kind: 'wasm', peer: w.peer, variant: 'current', threads: w.t });
    for (const w of beforePeers)
      sides.push({ label: `before ${w.t}t`, kind: 'wasm', peer: w.peer, variant: 'before', threads: w.t });
    if (poolPeer)
      sides.push({ label: `ours pool${o.pool}`, kind: 'wasm', peer: poolPeer, variant: 'pool', threads: o.pool });
    if (torch)
      for (const v of o.torchVariants)
        sides.push({ label: `torch ${v}`, kind: 'torch', peer: torch, variant: v, threads: peerThreads });
    for (const p of ortPeers)
      sides.push({ label: `ort ${p.engine}`, kind: 'ort', peer: p.peer, variant: p.engine, threads: peerThreads });

    const failed = new Set<Side>();
    const attempt = async (s: Side, batch: number) => {
      try {
        return await runOnce(s, batch);
      } catch (e) {
        failed.add(s);
        out.failures.push({ model, batch, side: s.label, error: firstLine(e) });
        console.log(`  ${model} batch ${batch} ${s.label}: FAILED (${firstLine(e)}); dropped from here on`);
        return null;
      }
    };
    const perImageMs = new Map<Side, number>(); // from the previous batch size, to plan this one
    for (const batch of o.batches) {
      const t0 = performance.now();
      const live = () => sides.filter((s) => !failed.has(s));
      const expensive = (s: Side) => (perImageMs.get(s) ?? 0) * batch > EXPENSIVE_RUN_MS;
      // An expensive side (PyTorch at batch 8) already warmed up at a smaller batch skips its
      // warm-up here; its first-run costs (allocator, oneDNN primitives) are small next to a run.
      for (const s of live()) {
        if (!expensive(s)) for (let i = 0; i < o.warmup && !failed.has(s); i++) await attempt(s, batch);
      }
      const runs = new Map<Side, { ms: number; cpuMs: number }[]>(sides.map((s) => [s, []]));
      for (let r = 0; r < o.runs; r++) {
        const overBudget = o.budgetS > 0 && (performance.now() - t0) / 1000 > o.budgetS;
        // Over budget, sides whose runs are long stop (>= 1 timed run each); cheap ones go on.
        const active = live().filter(
          (s) => r === 0 || !overBudget || median(runs.get(s)!.map((x) => x.ms)) < EXPENSIVE_RUN_MS,
        );
        if (active.length === 0) break;
        // Rotate who goes first, so that no side always follows the same neighbour.
        for (let k = 0; k < active.length; k++) {
          const s = active[(k + r) % active.length];
          const got = await attempt(s, batch);
          if (got) runs.get(s)!.push(got);
        }
      }
      for (const s of sides) {
        const v = runs.get(s)!;
        if (v.length === 0) continue;
        perImageMs.set(s, median(v.map((x) => x.ms)) / batch);
        const cell: Cell = {
          model,
          batch,
          side: s.label,
          kind: s.kind,
          threads: s.threads,
          variant: s.variant,
          msPerImage: median(v.map((x) => x.ms)) / batch,
          cpuMsPerImage: median(v.map((x) => x.cpuMs)) / batch,
          runsMs: v.map((x) => Math.round(x.ms)),
        };
        out.cells.push(cell);
        if (o.verbose)
          console.error(
            `  ${model} b${batch} ${s.label}: ${cell.msPerImage.toFixed(0)} ms/img ${JSON.stringify(cell.runsMs)}`,
          );
      }
      console.log(
        `  ${model} batch ${batch}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s (load average ${loadavg()[0].toFixed(1)})`,
      );
    }

    if (o.layers && model === o.models[0]) {
      const p = wasmPeers[wasmPeers.length - 1];
      const b = o.batches[0];
      out.layers = {
        model,
        threads: p.t,
        batch: b,
        ours: (await p.peer.request({ cmd: 'layers', batch: b, runs: 2 })) as unknown as LayerProfile,
        torch: torch
          ? ((await torch.request({ cmd: 'layers', batch: b, variant: 'folded', runs: 2 })) as {
              layers: Record<string, number>;
              total_ms: number;
            })
          : undefined,
      };
    }

    const stats = async (side: string, peer: Peer) => {
      try {
        const s = await peer.request({ cmd: 'stats' });
        out.memory.push({
          model,
          side,
          peakRssMb: Number(s.peakRssMb ?? s.peak_rss_mb),
          wasmHeapMb: s.wasmHeapMb === undefined ? undefined : Number(s.wasmHeapMb),
        });
        for (const [batch, d] of Object.entries((s.maxAbsDiffVsTorch ?? {}) as Record<string, number>)) {
          out.imageChecks.push({ model, side, batch: Number(batch), maxAbsDiff: d });
        }
      } catch (e) {
        console.log(`  ${model} ${side}: no memory figures (${firstLine(e)})`);
      }
    };
    for (const w of wasmPeers) await stats(`ours ${w.t}t`, w.peer);
    for (const w of beforePeers) await stats(`before ${w.t}t`, w.peer);
    if (poolPeer) await stats(`ours pool${o.pool}`, poolPeer);
    if (torch) await stats('torch', torch);
    for (const p of ortPeers) await stats(`ort ${p.engine}`, p.peer);
  } finally {
    for (const p of peers) p.close();
  }
}

const firstLine = (e: unknown) =>
  String((e as Error)?.message ?? e)
    .split('\n')[0]
    .slice(0, 200);

interface Report {
  date: string;
  machine: { cpus: number; model: string; loadAverageStart: number[]; loadAverageEnd?: number[] };
  options: Options;
  cells: Cell[];
  memory: { model: string; side: string; peakRssMb: number; wasmHeapMb?: number }[];
  /** max |side's image - torch's| on the inputs torch saved with the checkpoint or graph, per side and batch. */
  imageChecks: { model: string; side: string; batch: number; maxAbsDiff: number }[];
  /** The BLAS libraries the torch process mapped. */
  torchBlas?: string[];
  failures: { model: string; batch: number; side: string; error: string }[];
  layers?: {
    model: string;
    batch: number;
    threads: number;
    ours: LayerProfile;
    torch?: { layers: Record<string, number>; total_ms: number };
  };
}

const pad = (s: string, n: number) => s.padStart(n);

function printReport(r: Report): void {
  const o = r.options;
  console.log('');
  console.log(`ms per image (median of timed runs; wall clock), ${r.machine.cpus} CPUs (${r.machine.model})`);
  console.log("peer/ours = the peer's time over ours: above 1x we are faster, below 1x slower.");
  const sides = [...new Set(r.cells.map((c) => c.side))];
  const oursSides = sides.filter((s) => s.startsWith('ours'));
  // The ratio columns: the first torch variant and every ONNX Runtime engine, against each ours side.
  const peerSides = sides.filter((s) => s === `torch ${o.torchVariants[0]}` || s.startsWith('ort '));
  const ratios = peerSides.flatMap((p) =>
    oursSides.map((s) => ({ peer: p, ours: s, label: `${p.replace(' folded', '').replace(' ', '-')}/${s.slice(5)}` })),
  );
  const header = ['model', 'batch', ...sides, ...ratios.map((x) => x.label)];
  const widths = header.map((h) => Math.max(h.length, 8));
  console.log(header.map((h, i) => pad(h, widths[i])).join('  '));
  for (const model of o.models) {
    for (const batch of o.batches) {
      const cells = r.cells.filter((c) => c.model === model && c.batch === batch);
      if (!cells.length) continue;
      const by = (s: string) => cells.find((c) => c.side === s);
      const ms = (s: string) => by(s)?.msPerImage;
      const row = [
        model,
        String(batch),
        ...sides.map((s) => ms(s)?.toFixed(0) ?? '-'),
        ...ratios.map((x) => (ms(x.peer) && ms(x.ours) ? `${(ms(x.peer)! / ms(x.ours)!).toFixed(2)}x` : '-')),
      ];
      console.log(row.map((v, i) => pad(v, widths[i])).join('  '));
    }
  }
  console.log('');
  console.log('process CPU ms per image (all threads; less sensitive to other load than wall clock):');
  for (const model of o.models) {
    for (const batch of o.batches) {
      const cells = r.cells.filter((c) => c.model === model && c.batch === batch);
      if (!cells.length) continue;
      console.log(
        `  ${model} b${batch}: ${cells.map((c) => `${c.side} ${c.cpuMsPerImage.toFixed(0)} (${c.runsMs.length} runs)`).join(', ')}`,
      );
    }
  }
  if (r.torchBlas) console.log(`torch BLAS: ${r.torchBlas.join(', ')}`);
  for (const k of r.imageChecks)
    console.log(`  ${k.model} ${k.side} batch ${k.batch}: max |image - torch's| = ${k.maxAbsDiff.toExponential(2)}`);
  for (const f of r.failures) console.log(`  FAILED: ${f.model} batch ${f.batch} ${f.side}: ${f.error}`);
  console.log('');
  console.log('peak RSS (MB, process high-water):');
  for (const m of r.memory)
    console.log(
      `  ${m.model} ${m.side}: ${m.peakRssMb.toFixed(0)}${m.wasmHeapMb ? ` (wasm heap ${m.wasmHeapMb.toFixed(0)})` : ''}`,
    );
  if (r.layers) printLayers(r.layers);
  console.log('');
  console.log(
    `load average at start ${r.machine.loadAverageStart.map((x) => x.toFixed(1)).join(' ')}, at end ${r.machine.loadAverageEnd?.map((x) => x.toFixed(1)).join(' ')}`,
  );
}

function printLayers(l: NonNullable<Report['layers']>): void {
  console.log('');
  console.log(
    `per layer shape, ${l.model} batch ${l.batch} (ms per batch), ours on ${l.threads} thread(s) (tf.profile; kernel times summed over the layers of that shape):`,
  );
  console.log(
    `  ours total ${l.ours.totalMs.toFixed(0)} ms (profiled), kernels ${l.ours.kernelMs.toFixed(0)} ms` +
      (l.torch ? `; torch total ${l.torch.total_ms.toFixed(0)} ms` : ''),
  );
  const torch = l.torch?.layers ?? {};
  console.log(`  ${'ours ms'.padStart(8)} ${'GMAC/s'.padStart(7)} ${l.torch ? 'torch ms'.padStart(8) : ''}  layer`);
  for (const r of l.ours.byLayer.slice(0, 40)) {
    const rate = r.macs > 0 ? (r.macs / r.ms / 1e6).toFixed(1) : '';
    const t = torch[r.key];
    console.log(
      `  ${r.ms.toFixed(1).padStart(8)} ${rate.padStart(7)} ${l.torch ? (t !== undefined ? t.toFixed(1) : '').padStart(8) : ''}  ${r.key} (${r.calls}x)`,
    );
  }
  const torchOnly = Object.entries(torch).filter(([k]) => !l.ours.byLayer.some((r) => r.key === k));
  for (const [k, v] of torchOnly)
    console.log(`  ${''.padStart(8)} ${''.padStart(7)} ${v.toFixed(1).padStart(8)}  ${k} (torch only)`);
  console.log('  ours by kernel:');
  for (const r of l.ours.byKernel.slice(0, 12))
    console.log(`  ${r.ms.toFixed(1).padStart(8)} ms  ${r.key} (${r.calls}x)`);
}

/**
 * `--backend webgpu`: ours on WebGPU through Dawn (bench/gpu/gpu_bench.ts) on the benchmark
 * checkpoints; against PyTorch CUDA: bench/gpu/run.sh.
 */
async function runWebGpu(argv: string[]): Promise<void> {
  const m = argv.indexOf('--models');
  const models = m >= 0 ? argv[m + 1].split(',') : ['deep128', 'deep256', 'deep512', 'tfhub128'];
  for (const id of models) await ensureCheckpoint(findModel(id));
  const script = join(HERE, 'gpu', 'gpu_bench.ts');
  const child = spawn(process.execPath, [...process.execArgv, script, '--weights', benchDir(), ...argv], {
    stdio: 'inherit',
  });
  process.exitCode = await new Promise<number>((done) => child.on('exit', (code) => done(code ?? 1)));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const b = argv.indexOf('--backend');
  const backend = b >= 0 ? argv[b + 1] : 'wasm';
  const rest = b >= 0 ? [...argv.slice(0, b), ...argv.slice(b + 2)] : argv;
  if (backend === 'webgpu') return runWebGpu(rest);
  if (backend !== 'wasm') throw new Error(`--backend must be wasm or webgpu; got ${backend}`);
  const o = parseArgs(rest);
  const report: Report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', loadAverageStart: loadavg() },
    options: o,
    cells: [],
    memory: [],
    imageChecks: [],
    failures: [],
  };
  const t0 = performance.now();
  console.log(
    `bench: ${o.models.join(', ')}; batches ${o.batches.join(', ')}; ${o.warmup} warm-up + up to ${o.runs} timed runs` +
      ` (budget ${o.budgetS || 'none'} s per cell); wasm threads ${o.threads.join(', ')}; torch ${o.torch ? o.torchVariants.join(', ') : 'off'}; ONNX Runtime ${o.ort.join(', ') || 'off'}` +
      ` (peers on ${o.threads[o.threads.length - 1]} threads)${o.before ? `; before = ${o.before}` : ''}`,
  );
  for (const model of o.models) await benchModel(model, o, report);
  report.machine.loadAverageEnd = loadavg();
  printReport(report);
  console.log(`(bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (o.json) {
    writeFileSync(o.json, JSON.stringify(report, null, 1));
    console.log(`wrote ${o.json}`);
  }
}

await main();
