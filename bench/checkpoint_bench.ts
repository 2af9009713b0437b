/**
 * Times reading and converting a full-size (~210-235 MB) legacy checkpoint whose weight tensors
 * are non-contiguous views, as in the released BigGAN-deep files.
 *
 *   npx tsx bench/checkpoint_bench.ts [keys.tsv] [out.pth]
 *   npx tsx bench/checkpoint_bench.ts --generate keys.tsv out.pth   (only write the file)
 *
 * The file is generated once (in this process), then read, and converted by `biggan convert`, each
 * in a fresh child process so the peak RSS printed is that step's alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../src/core/checkpoint';
import { type CheckpointSpec, legacyChunks } from '../tests/helpers/torch_writer';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_KEYS = path.resolve(here, '../tests/fixtures/reference/keys/keys_biggan-deep-128.tsv');

interface KeyShape {
  name: string;
  shape: number[];
}

function readKeys(file: string): KeyShape[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [name, shape] = line.split('\t');
      return { name: name!, shape: JSON.parse(shape!) as number[] };
    });
}

/** TF keeps conv kernels as [kh,kw,in,out] and dense as [in,out]: the PyTorch view is a permutation. */
function storageOrder(rank: number): number[] {
  if (rank === 4) return [2, 3, 1, 0];
  if (rank === 2) return [1, 0];
  return [...Array(rank).keys()];
}

function permutedStrides(shape: number[]): number[] {
  const order = storageOrder(shape.length);
  const stride = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let k = order.length - 1; k >= 0; k--) {
    stride[order[k]!] = s;
    s *= shape[order[k]!]!;
  }
  return stride;
}

/** Deterministic, exactly representable storage values, so the reader's output can be spot-checked. */
const valueAt = (storage: number, element: number): number => (((storage * 7919 + element) % 4096) - 2048) / 1024;

function buildSpec(keys: KeyShape[]): CheckpointSpec {
  return {
    storages: keys.map((k, s) => {
      const numel = k.shape.reduce((a, b) => a * b, 1);
      return {
        key: String(1_000_000 + s),
        dtype: 'float32' as const,
        numel,
        bytes: () => {
          const values = new Float32Array(numel);
          for (let j = 0; j < numel; j++) values[j] = valueAt(s, j);
          return new Uint8Array(values.buffer);
        },
      };
    }),
    tensors: keys.map((k, s) => ({
      name: k.name,
      storage: String(1_000_000 + s),
      shape: k.shape,
      stride: permutedStrides(k.shape),
    })),
  };
}

function generate(keysFile: string, out: string): void {
  const spec = buildSpec(readKeys(keysFile));
  const fd = fs.openSync(`${out}.part`, 'w');
  for (const chunk of legacyChunks(spec)) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.renameSync(`${out}.part`, out);
}

async function measure(keysFile: string, file: string): Promise<void> {
  const keys = readKeys(keysFile);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const { tensors } = await readCheckpoint(await fs.openAsBlob(file));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const peakMb = process.resourceUsage().maxRSS / 1024;

  // Spot-check: element at row-major index f of tensor s is storage element sum(idx[d] * stride[d]).
  let checked = 0;
  keys.forEach((k, s) => {
    const data = tensors.get(k.name)!.data;
    const stride = permutedStrides(k.shape);
    for (const f of [0, data.length - 1, Math.floor(data.length / 3)]) {
      let rem = f;
      let p = 0;
      for (let d = k.shape.length - 1; d >= 0; d--) {
        p += (rem % k.shape[d]!) * stride[d]!;
        rem = Math.floor(rem / k.shape[d]!);
      }
      if (data[f] !== valueAt(s, p)) throw new Error(`${k.name}[${f}] = ${data[f]}, expected ${valueAt(s, p)}`);
      checked++;
    }
  });
  const mb = fs.statSync(file).size / 1e6;
  console.log(
    `readCheckpoint(${path.basename(file)}, ${mb.toFixed(1)} MB, ${tensors.size} tensors): ${seconds.toFixed(2)} s wall ` +
      `(${cpuSeconds.toFixed(2)} s CPU), ${(mb / seconds).toFixed(0)} MB/s, peak RSS ${peakMb.toFixed(0)} MB ` +
      `(${checked} values spot-checked)`,
  );
}

/** `biggan convert` in this process, then its wall time and peak RSS. */
async function measureConvert(file: string): Promise<void> {
  const { main } = await import('../src/cli/main');
  const out = `${file}.tfjs`;
  const started = performance.now();
  const code = await main(['convert', file, '--out', out]);
  const seconds = (performance.now() - started) / 1000;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  fs.rmSync(out, { recursive: true, force: true });
  console.log(
    `biggan convert (${(fs.statSync(file).size / 1e6).toFixed(1)} MB): ${seconds.toFixed(2)} s wall, peak RSS ${peakMb.toFixed(0)} MB`,
  );
  process.exitCode = code;
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--read') {
  await measure(rest[0]!, rest[1]!);
} else if (mode === '--convert') {
  await measureConvert(rest[0]!);
} else if (mode === '--generate') {
  // Only write the file (bench/conversion_memory.ts measures the page converting it).
  if (!fs.existsSync(rest[1]!)) generate(rest[0]!, rest[1]!);
} else {
  const keysFile = mode ?? DEFAULT_KEYS;
  const out = rest[0] ?? path.join('/tmp', `${path.basename(keysFile, '.tsv')}.bench.legacy.pth`);
  if (!fs.existsSync(out)) {
    const t = performance.now();
    generate(keysFile, out);
    console.log(`wrote ${out} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  for (const args of [
    ['--read', keysFile, out],
    ['--convert', out],
  ]) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  }
}
