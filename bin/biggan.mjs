#!/usr/bin/env node
// The CLI is written in TypeScript and shares the model core with the page; tsx compiles it on
// the fly so that `npx biggan` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
