/** The `biggan` command line: convert, inspect and sample BigGAN models with the page's own core. */
import { BigGanError } from '../core/errors';
import { USAGE } from './usage';

// Commands load lazily: `convert` and `info` never need TensorFlow.js and start faster without it.
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  convert: { run: async (a) => (await import('./commands/convert')).convertCommand(a), usage: USAGE.convert },
  info: { run: async (a) => (await import('./commands/info')).infoCommand(a), usage: USAGE.info },
  sample: { run: async (a) => (await import('./commands/sample')).sampleCommand(a), usage: USAGE.sample },
  interpolate: { run: async (a) => (await import('./commands/interpolate')).interpolateCommand(a), usage: USAGE.interpolate },
  directions: { run: async (a) => (await import('./commands/directions')).directionsCommand(a), usage: USAGE.directions },
};

function help(): string {
  return ['BigGAN Explorer command line', '', ...Object.values(COMMANDS).map((c) => `  ${c.usage.split('\n').join('\n  ')}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`biggan: unknown command '${name}'.\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof BigGanError) {
      console.error(`biggan ${name}: ${e.message}`);
      return 1;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`biggan ${name}: ${e.message}\nUsage: ${command.usage}`);
      return 2;
    }
    if (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR')) {
      console.error(`biggan ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
