/**
 * Feeds cases to the readers in child processes, each case under a time and memory limit, many
 * cases per child to keep it fast. A child that hangs, grows past the memory limit or dies is
 * killed and a fresh one goes on with the next case, so one bad case costs one verdict, not the run.
 *
 * Verdicts: ok (read), error (a clean BigGanError), crash (any other exception, or the process
 * died), hang (over the time limit), memory (RSS over the limit, or V8 ran out of heap).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ReaderKind } from './readers';

export interface FuzzCase {
  kind: ReaderKind;
  bytes: Uint8Array;
}

export type Outcome = 'ok' | 'error' | 'crash' | 'hang' | 'memory';

export interface Verdict {
  outcome: Outcome;
  ms: number;
  message: string;
}

export interface Limits {
  /** Per case, from its start line. */
  timeMs: number;
  /** Resident set of the child, its own ~150 MB of loaded code included. */
  rssMb: number;
}

export const DEFAULT_LIMITS: Limits = { timeMs: 3000, rssMb: 700 };

const CHILD = new URL('./case_child.ts', import.meta.url).pathname;
const POLL_MS = 20;

export async function runCases(cases: readonly FuzzCase[], limits: Limits = DEFAULT_LIMITS): Promise<Verdict[]> {
  const dir = mkdtempSync(join(tmpdir(), 'biggan-fuzz-'));
  const file = join(dir, 'cases.json');
  writeFileSync(
    file,
    JSON.stringify(cases.map((c) => ({ kind: c.kind, data: Buffer.from(c.bytes).toString('base64') }))),
  );
  const verdicts: Verdict[] = new Array(cases.length);
  try {
    let next = 0;
    while (next < cases.length) next = await runChild(file, next, limits, verdicts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A busy machine can stall a child past the time limit; a real hang hangs again on its own.
  const stalled = verdicts.flatMap((v, i) => (v.outcome === 'hang' ? [i] : []));
  if (stalled.length > 0 && stalled.length < cases.length) {
    const again = await runCases(
      stalled.map((i) => cases[i]!),
      limits,
    );
    stalled.forEach((i, k) => (verdicts[i] = again[k]!));
  }
  return verdicts;
}

/** Runs cases from `first` in one child until it exits; returns the index to resume at. */
function runChild(file: string, first: number, limits: Limits, verdicts: Verdict[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${limits.rssMb}`, '--import', 'tsx', CHILD, file, String(first), String(limits.rssMb)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let current = -1;
    let startedAt = 0;
    let killedFor: Outcome | undefined;
    let stderr = '';
    let resumeAt = first;
    const kill = (why: Outcome): void => {
      if (killedFor) return;
      killedFor = why;
      child.kill('SIGKILL');
    };
    const watch = setInterval(() => {
      if (current >= 0 && performance.now() - startedAt > limits.timeMs) kill('hang');
      if (rssMb(child.pid) > limits.rssMb) kill('memory');
    }, POLL_MS);
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [tag, index, outcome, ms, rss, ...rest] = line.split(' ');
      if (tag === 'start') {
        current = Number(index);
        startedAt = performance.now();
      } else if (tag === 'end') {
        const i = Number(index);
        const over = Number(rss) > limits.rssMb;
        verdicts[i] = {
          outcome: over ? 'memory' : (outcome as Outcome),
          ms: Number(ms),
          message: JSON.parse(rest.join(' ')) as string,
        };
        current = -1;
        resumeAt = i + 1;
      }
    });
    child.on('exit', () => {
      clearInterval(watch);
      if (current >= 0) {
        const heap = /heap out of memory|Allocation failed|invalid (array )?(size|length)/i.test(stderr);
        const outcome: Outcome = killedFor ?? (heap ? 'memory' : 'crash');
        verdicts[current] = {
          outcome,
          ms: Math.round(performance.now() - startedAt),
          message: stderr.trim().split('\n').slice(-3).join(' | '),
        };
        resumeAt = current + 1;
      } else if (resumeAt === first && verdicts[first] === undefined) {
        // Died before its first case: a broken harness, not a verdict on the input.
        reject(new Error(`fuzz child failed to start: ${stderr}`));
        return;
      }
      resolve(resumeAt);
    });
  });
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function tally(verdicts: readonly Verdict[]): Record<Outcome, number> & { tried: number } {
  const counts = { tried: verdicts.length, ok: 0, error: 0, crash: 0, hang: 0, memory: 0 };
  for (const v of verdicts) counts[v.outcome]++;
  return counts;
}

export function countLine(label: string, verdicts: readonly Verdict[]): string {
  const t = tally(verdicts);
  return (
    `${label}: ${t.tried} cases tried, ${t.ok} read, ${t.error} clean errors, ${t.crash} crashes, ` +
    `${t.hang} hangs, ${t.memory} memory blowups`
  );
}
