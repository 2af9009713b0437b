/** The model the CLI uses when no --model is given: the one the page opens on. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_MODEL_ID = 'fashion-mnist-biggan-32';
export const DEFAULT_MODEL_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../public/models',
  DEFAULT_MODEL_ID,
  'model.json',
);
