/** The `biggan` command line: convert, inspect and sample BigGAN models with the page's own core. */
import { BigGanError } from '../core/errors';
import { quoteUntrusted } from '../core/show_untrusted';
import { USAGE } from './usage';

// Commands load lazily: `convert` and `info` never need TensorFlow.js and start faster without it.
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  convert: { run: async (a) => (await import('./commands/convert')).convertCommand(a), usage: USAGE.convert },
  info: { run: async (a) => (await import('./commands/info')).infoCommand(a), usage: USAGE.info },
  sample: { run: async (a) => (await import('./commands/sample')).sampleCommand(a), usage: USAGE.sample },
  interpolate: {
    run: async (a) => (await import('./commands/interpolate')).interpolateCommand(a),
    usage: USAGE.interpolate,
  },
  directions: {
    run: async (a) => (await import('./commands/directions')).directionsCommand(a),
    usage: USAGE.directions,
  },
};

function help(): string {
  return [
    'BigGAN Explorer command line',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.split('\n').join('\n  ')}`),
    '',
    'An error ends in one line "biggan <command>: ..." and exit code 1; add --debug to print its stack too.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv.filter((a) => a !== '--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`${help()}\n\nbiggan: unknown command ${quoteUntrusted(name, 40)}; the commands are listed above.`);
    return 1;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (debug) console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    if (isUsageError(e)) console.error(`Usage: ${command.usage}`);
    console.error(`biggan ${name}: ${errorLine(e, debug)}`);
    return 1;
  }
}

/**
 * One line saying what is wrong and what to do. Our errors already say both; a file-system error
 * names the path; anything else is a bug in this program, said as such (no stack unless --debug).
 */
export function errorLine(e: unknown, debug = false): string {
  const message = (e instanceof Error ? e.message : String(e)).replace(/\.+$/, '');
  let line: string;
  if (e instanceof BigGanError) line = `${message}.`;
  else if (isUsageError(e)) line = `${message} (usage above)`;
  else if (e instanceof Error && 'code' in e && typeof e.code === 'string' && FILE_ERRORS.has(e.code)) {
    line = `${message}. Check the path and its permissions.`;
  } else {
    line =
      `internal error: ${e instanceof Error ? e.name : 'exception'}: ${message}. This is a bug in biggan, not in your ` +
      `input as far as we know; ${debug ? 'the stack is above' : 'rerun with --debug for the stack'} and report it.`;
  }
  const flat = line.replace(/\s*\n\s*/g, ' ').trim();
  return flat.length > MAX_LINE ? `${flat.slice(0, MAX_LINE)}...` : flat;
}

const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM', 'EMFILE', 'ENOSPC', 'EROFS']);
/** Long enough for any message of ours; a cap for anything that echoes input at length. */
const MAX_LINE = 2000;

function isUsageError(e: unknown): boolean {
  return e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
}
