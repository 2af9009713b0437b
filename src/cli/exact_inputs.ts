/** Inputs given exactly as float32 .npy arrays (--z, --class-vector), for parity work. */
import { readFileSync } from 'node:fs';
import { familyLabel, truncationPicksStats, zDimOf, type Architecture } from '../core/config/architecture';
import { SettingsError } from '../core/errors';
import { readNpy } from '../core/io/npy';
import { checkTruncation } from '../core/latent/truncation';
import type { RawInputs } from '../core/sampling/sample';

function npyMatrix(path: string, cols: number, what: string): { rows: number; data: Float32Array } {
  const a = readNpy(readFileSync(path), path);
  const rows = a.shape.length === 1 ? 1 : a.shape[0];
  if (a.shape.length > 2 || !(rows >= 1) || a.data.length !== rows * cols) {
    throw new SettingsError(
      `${path}: ${what} must have shape [N, ${cols}] with N at least 1; it has [${a.shape.join(', ')}].`,
    );
  }
  return { rows, data: a.data };
}

export function exactInputs(
  arch: Architecture,
  zPath: string,
  classPath: string | undefined,
  truncation: number | undefined,
): RawInputs {
  if (!classPath) throw new SettingsError('--z needs --class-vector too (float32 .npy, [N, numClasses]).');
  const z = npyMatrix(zPath, zDimOf(arch), 'z');
  const c = npyMatrix(classPath, arch.numClasses, 'the class vector');
  if (z.rows !== c.rows) throw new SettingsError(`--z has ${z.rows} rows but --class-vector has ${c.rows}.`);
  if (truncationPicksStats(arch) && truncation === undefined) {
    throw new SettingsError(`${familyLabel(arch)} needs --truncation with --z: it selects the batch-norm statistics.`);
  }
  if (truncation !== undefined) checkTruncation(truncation);
  return { z: z.data, classVector: c.data, batch: z.rows, truncation: truncation ?? 1 };
}
