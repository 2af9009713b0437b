/**
 * Runs a batch of cases in this (child) process, one after another, and reports each on stdout:
 * `start <i>` before it, then `end <i> <outcome> <ms> <maxRssMB> <message>` after it. The parent
 * (harness.ts) enforces the time and memory limits by watching these lines and this process's RSS;
 * this process only reports. After a case raises the peak RSS past the limit it exits, since the
 * peak never comes down and the next case could not be judged.
 *
 * argv: <cases.json> <first index> <rss limit MB>
 */
import { readFileSync } from 'node:fs';
import { BigGanError } from '../../src/core/errors';
import { READERS, type ReaderKind } from './readers';

interface StoredCase {
  kind: ReaderKind;
  data: string;
}

/** A clean error is one of ours with a message a person can read in one go. */
const MAX_MESSAGE = 1200;

async function main(): Promise<void> {
  const [file, firstArg, limitArg] = process.argv.slice(2);
  const cases = JSON.parse(readFileSync(file!, 'utf8')) as StoredCase[];
  const limitMb = Number(limitArg);
  const write = (line: string): void => void process.stdout.write(`${line}\n`);
  for (let i = Number(firstArg); i < cases.length; i++) {
    const c = cases[i]!;
    const bytes = new Uint8Array(Buffer.from(c.data, 'base64'));
    write(`start ${i}`);
    const t0 = performance.now();
    let outcome: string;
    let message: string;
    try {
      message = await READERS[c.kind](bytes);
      outcome = 'ok';
    } catch (err) {
      const e = err as Error;
      message = `${e?.name}: ${e?.message}`;
      const clean = err instanceof BigGanError && e.message.length <= MAX_MESSAGE && !e.message.includes('\n');
      outcome = clean ? 'error' : 'crash';
    }
    const ms = Math.round(performance.now() - t0);
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    write(`end ${i} ${outcome} ${ms} ${rssMb} ${JSON.stringify(message.slice(0, 300))}`);
    if (rssMb > limitMb) process.exit(0);
  }
}

await main();
