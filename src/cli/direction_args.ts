/** `--direction dirs.json:3=+2.0`: a direction of a directions file (by number or name) and an amount. */
import { readFileSync, statSync } from 'node:fs';
import type { Architecture } from '../core/config/architecture';
import { MAX_DIRECTIONS_FILE_BYTES, parseDirectionsFile, pickDirection } from '../core/edit/direction_file';
import type { DirectionEdit } from '../core/edit/latent_edits';
import { checkEdit } from '../core/edit/latent_edits';
import { slotLayout } from '../core/latent/slot_latents';
import { SettingsError } from '../core/errors';

export function directionEdit(spec: string, arch: Architecture): DirectionEdit {
  const m = /^(.+):([^:=]+)=([-+]?[0-9.eE+-]+)$/.exec(spec);
  if (!m)
    throw new SettingsError(
      `--direction is file.json:N=amount (N a number or a name), e.g. dirs.json:3=+2.0; got '${spec}'.`,
    );
  const [, file, which, amountText] = m;
  const amount = Number(amountText);
  if (!Number.isFinite(amount)) throw new SettingsError(`--direction amount must be a number; got '${amountText}'.`);
  if (statSync(file).size > MAX_DIRECTIONS_FILE_BYTES)
    throw new SettingsError(`${file} is too large to be a directions file.`);
  const d = pickDirection(parseDirectionsFile(readFileSync(file, 'utf8'), arch), which);
  const edit: DirectionEdit = {
    slots: d.slots,
    vector: d.vector,
    amount,
    index: d.index,
    ...(d.name ? { name: d.name } : {}),
  };
  checkEdit(edit, slotLayout(arch));
  return edit;
}

export function directionEdits(specs: readonly string[], arch: Architecture): DirectionEdit[] {
  return specs.map((s) => directionEdit(s, arch));
}
