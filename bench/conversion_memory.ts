/**
 * Peak memory of converting a full-size checkpoint in the page, in headless Chromium: the file is
 * picked in the model panel as a user would, read tensor by tensor from the File in the worker,
 * converted, loaded on WASM and drawn.
 *
 *   npx tsx bench/checkpoint_bench.ts --generate tests/fixtures/reference/keys/keys_tfhub-biggan-512.tsv /tmp/biggan-mem/tfhub-biggan-512.pth
 *   npx tsx bench/checkpoint_bench.ts --generate tests/fixtures/reference/keys/keys_biggan-deep-512.tsv /tmp/biggan-mem/biggan-deep-512.pth
 *   npx tsx bench/conversion_memory.ts /tmp/biggan-mem/tfhub-biggan-512.pth /tmp/biggan-mem/biggan-deep-512.pth
 *   npx tsx bench/conversion_memory.ts --node /tmp/biggan-mem/tfhub-biggan-512.pth   (before/after, in Node)
 *
 * The worker runs in the page's renderer process, so the figure is that process's resident memory
 * (Linux /proc): sampled every 20 ms while the model line says what phase the load is in, and its
 * high-water mark (VmHWM, reset before the pick) over the whole pick-to-drawn. Both are reported
 * as the rise over the renderer's memory just before the pick, and as a multiple of the file size.
 */
import { spawnSync } from 'node:child_process';
import { openAsBlob, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCheckpoint, readCheckpoint } from '../src/core/checkpoint';
import { convertOpenCheckpoint, convertStateDict } from '../src/core/convert/convert';
import { artifactsFromShards } from '../src/core/model/in_memory_artifacts';
import { serializeModel } from '../src/core/model/model_format';
import { startAppServer } from '../tests/browser/helpers/app_server';
import { launchBrowser } from '../tests/browser/helpers/browser';
import { concat } from '../tests/helpers/torch_writer';
import { generation, waitForSamples } from '../tests/browser/helpers/page_tools';

const MB = 1e6;

function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(Vm\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

/** Chromium renderer processes started (transitively) by this process. */
function renderers(): number[] {
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    const pid = Number(d);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmd.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // the process ended while we looked
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === process.pid) return true;
    return false;
  };
  return [...cmd].filter(([pid, c]) => c.includes('--type=renderer') && mine(pid)).map(([pid]) => pid);
}

interface Figures {
  file: string;
  fileMb: number;
  baselineMb: number;
  /** Highest sampled rise while the page said it was reading/converting/packing. */
  convertRiseMb: number;
  /** High-water mark rise when the page first said it had moved past packing (conversion's peak, spikes included). */
  convertHwmMb: number;
  /** High-water mark rise from the pick until the sample was drawn (load on WASM included). */
  totalRiseMb: number;
  seconds: number;
}

async function measure(path: string): Promise<Figures> {
  const [app, browser] = await Promise.all([startAppServer(), launchBrowser()]);
  try {
    const page = await browser.newPage();
    await page.goto(`${app.origin}/?backend=wasm&batch=1`);
    await waitForSamples(page);
    await page.locator('summary', { hasText: 'Open from a URL or files' }).click();
    // The page's renderer is the one whose memory rises; measure them all and keep the largest.
    const pids = renderers();
    const baseline = new Map(pids.map((p) => [p, status(p).VmRSS]));
    for (const p of pids) writeFileSync(`/proc/${p}/clear_refs`, '5'); // resets VmHWM
    const before = await generation(page);
    const started = performance.now();
    await page.setInputFiles('[data-testid=model-files]', path);
    let convertRise = 0;
    let convertHwm = 0;
    let seenConverting = false;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text = (await page.textContent('[data-testid=model-status]').catch(() => '')) ?? '';
        const converting = /Reading checkpoint|Converting weights|Packing weights/.test(text);
        if (converting) {
          seenConverting = true;
          for (const p of pids) convertRise = Math.max(convertRise, status(p).VmRSS - baseline.get(p)!);
        } else if (seenConverting && convertHwm === 0) {
          // The first look after conversion: the high-water mark so far is conversion's own.
          convertHwm = Math.max(...pids.map((p) => status(p).VmHWM - baseline.get(p)!));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitForSamples(page, before, 600_000);
    sampling = false;
    await sampler;
    const seconds = (performance.now() - started) / 1000;
    const totalRise = Math.max(...pids.map((p) => status(p).VmHWM - baseline.get(p)!));
    const line = await page.textContent('[data-testid=model-status]');
    console.log(`  model line: ${line}`);
    const worst = pids.reduce((a, p) =>
      status(p).VmHWM - baseline.get(p)! > status(a).VmHWM - baseline.get(a)! ? p : a,
    );
    return {
      file: basename(path),
      fileMb: statSync(path).size / MB,
      baselineMb: baseline.get(worst)! / MB,
      convertRiseMb: convertRise / MB,
      convertHwmMb: convertHwm / MB,
      totalRiseMb: totalRise / MB,
      seconds,
    };
  } finally {
    await browser.close();
    await app.close();
  }
}

/**
 * The same conversion in Node, one fresh process per path, side by side: the whole state_dict
 * then the weights then one joined copy for the loader (what the page did before), and tensor by
 * tensor into one buffer that the loader takes as it is (what it does now). Peak RSS rise over the
 * process's own start.
 */
async function nodeConversion(path: string, whole: boolean): Promise<number> {
  const start = process.memoryUsage().rss;
  const blob = await openAsBlob(path);
  const converted = whole
    ? convertStateDict((await readCheckpoint(blob)).tensors)
    : await convertOpenCheckpoint(await openCheckpoint(blob));
  const model = await serializeModel(converted.architecture, converted.weights);
  const shards = model.shards.map((s) => s.bytes);
  const artifacts = artifactsFromShards(model.modelJson, whole ? [concat(shards)] : shards);
  if (!artifacts.weightData) throw new Error('no weights');
  return (process.resourceUsage().maxRSS * 1024 - start) / MB;
}

const [first, ...rest] = process.argv.slice(2);
if (first === '--node-child') {
  console.log(JSON.stringify({ riseMb: await nodeConversion(rest[1]!, rest[0] === 'whole') }));
  process.exit(0);
}
if (first === '--node') {
  for (const f of rest) {
    const fileMb = statSync(f).size / MB;
    const rise = (how: string) => {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--node-child', how, f],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(child.stderr);
      return (JSON.parse(child.stdout.trim().split('\n').pop()!) as { riseMb: number }).riseMb;
    };
    const before = rise('whole');
    const now = rise('streamed');
    console.log(
      `${basename(f)} (${fileMb.toFixed(1)} MB) in Node: peak RSS rise ${before.toFixed(0)} MB (${(before / fileMb).toFixed(2)}x) whole state_dict, ` +
        `${now.toFixed(0)} MB (${(now / fileMb).toFixed(2)}x) tensor by tensor: ${(before / now).toFixed(2)}x less`,
    );
  }
  process.exit(0);
}
const files = first === undefined ? [] : [first, ...rest];
if (files.length === 0) throw new Error('usage: npx tsx bench/conversion_memory.ts [--node] checkpoint.pth [...]');
for (const f of files) {
  const r = await measure(f);
  const x = (mb: number) => `${mb.toFixed(0)} MB = ${(mb / r.fileMb).toFixed(2)}x the file`;
  console.log(
    `${r.file} (${r.fileMb.toFixed(1)} MB), renderer at ${r.baselineMb.toFixed(0)} MB before the pick, ${r.seconds.toFixed(1)} s to drawn:\n` +
      `  peak rise while reading and converting: ${x(r.convertRiseMb)} sampled every 20 ms, ${x(r.convertHwmMb)} by VmHWM at the end of packing\n` +
      `  peak rise from pick to drawn (VmHWM, WASM load included): ${x(r.totalRiseMb)}`,
  );
}
