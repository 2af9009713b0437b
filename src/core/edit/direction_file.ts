/**
 * Directions as a JSON file: what `biggan directions` writes, what the page exports and imports
 * (with the names people gave them), and what `biggan sample --direction` reads.
 */
import type { Architecture } from '../config/architecture';
import { SettingsError } from '../errors';
import { slotLayout } from '../latent/slot_latents';
import type { DirectionSet } from './sefa';
import { checkSlotList } from './slot_range';

export const DIRECTIONS_FORMAT = 'biggan-explorer-directions';
export const DIRECTIONS_VERSION = 1;
/** A directions file is small; anything far bigger is not one. */
export const MAX_DIRECTIONS_FILE_BYTES = 16 * 1024 * 1024;
const MAX_DIRECTIONS = 4096;
const MAX_NAME = 64;

export interface NamedDirection {
  /** The slots it was computed for and is applied to. */
  slots: number[];
  /** Its rank within its slot range (0 = strongest). */
  index: number;
  /** Its eigenvalue. */
  value: number;
  vector: number[];
  name?: string;
}

export interface DirectionsFile {
  format: typeof DIRECTIONS_FORMAT;
  version: number;
  model: { id: string; hash: string; family: Architecture['family'] };
  directions: NamedDirection[];
}

export function directionsFromSet(set: DirectionSet, names: readonly (string | undefined)[] = []): NamedDirection[] {
  return set.vectors.map((v, index) => ({
    slots: [...set.slots],
    index,
    value: set.values[index],
    vector: Array.from(v),
    ...(names[index] ? { name: names[index] } : {}),
  }));
}

function fail(what: string): never {
  throw new SettingsError(`This is not a directions file we can use: ${what}.`);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses and checks a directions file; with `arch`, also against the model it will be used with. */
export function parseDirectionsFile(text: string, arch?: Architecture): DirectionsFile {
  if (text.length > MAX_DIRECTIONS_FILE_BYTES) fail(`it is over ${MAX_DIRECTIONS_FILE_BYTES / 2 ** 20} MB`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('its JSON does not parse');
  }
  if (typeof raw !== 'object' || raw === null) fail('it is not a JSON object');
  const f = raw as Partial<DirectionsFile>;
  if (f.format !== DIRECTIONS_FORMAT) fail(`its format is '${String(f.format)}', not '${DIRECTIONS_FORMAT}'`);
  if (f.version !== DIRECTIONS_VERSION)
    fail(`version ${String(f.version)} is not one this app reads (${DIRECTIONS_VERSION})`);
  if (!f.model || typeof f.model.id !== 'string' || typeof f.model.hash !== 'string')
    fail('the model id or hash is missing');
  if (!Array.isArray(f.directions) || f.directions.length > MAX_DIRECTIONS)
    fail(`it needs a list of at most ${MAX_DIRECTIONS} directions`);
  for (const d of f.directions) {
    if (typeof d !== 'object' || d === null) fail('a direction is not an object');
    if (!Array.isArray(d.slots) || d.slots.length === 0) fail('a direction has no slots');
    if (!Number.isInteger(d.index) || d.index < 0) fail('a direction index is out of range');
    if (!isNum(d.value)) fail('a direction value is not a number');
    if (!Array.isArray(d.vector) || d.vector.length === 0 || !d.vector.every((x) => isNum(x) && Math.abs(x) <= 10))
      fail('a direction vector is not a list of numbers');
    if (d.name !== undefined && (typeof d.name !== 'string' || d.name.length > MAX_NAME))
      fail(`a direction name is not a text of at most ${MAX_NAME} characters`);
  }
  if (arch) {
    if (f.model.family !== arch.family) fail(`it is for a ${f.model.family} model, not ${arch.family}`);
    const { slots, size } = slotLayout(arch);
    for (const d of f.directions) {
      try {
        checkSlotList(d.slots, slots);
      } catch (e) {
        fail((e as Error).message.replace(/\.$/, ''));
      }
      if (d.vector.length !== size) fail(`a direction has ${d.vector.length} values; this model's slots have ${size}`);
    }
  }
  return f as DirectionsFile;
}

/** A direction of a file by its position in the list or by its name. */
export function pickDirection(file: DirectionsFile, which: string): NamedDirection {
  const byName = file.directions.find((d) => d.name === which);
  if (byName) return byName;
  const n = Number(which);
  if (Number.isInteger(n) && n >= 0 && n < file.directions.length) return file.directions[n];
  const names = file.directions.map((d) => d.name).filter(Boolean);
  throw new SettingsError(
    `The directions file has no direction '${which}': use a number from 0 to ${file.directions.length - 1}` +
      (names.length ? ` or one of the names ${names.join(', ')}.` : '.'),
  );
}
