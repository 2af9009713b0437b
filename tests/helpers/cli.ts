/** Runs the `biggan` command as a user would (a child process), with its exit code and output. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const BIN = resolve(import.meta.dirname, '../../bin/biggan.mjs');
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `biggan args...` with extra environment variables or a time limit (killed past it). */
export async function bigganWith(
  options: { env?: Record<string, string>; timeout?: number },
  ...args: string[]
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      maxBuffer: 1 << 26,
      env: { ...process.env, ...options.env },
      timeout: options.timeout,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as CliResult;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

export function biggan(...args: string[]): Promise<CliResult> {
  return bigganWith({}, ...args);
}
