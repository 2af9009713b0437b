/**
 * The checks every field of a sample record passes before anything uses it: its type, its range,
 * its length, whether it may be absent. A record comes from a file anyone can edit, so nothing in
 * it is trusted; a new field is one entry in RECORD_FIELDS.
 */
import { checkSeed } from '../latent/latent_request';
import { MAX_BLEND } from '../latent/class_vector';
import { checkTruncation, TRUNCATION_MODES } from '../latent/truncation';
import { MAX_DIRECTION_VALUE, MAX_EDIT_AMOUNT, MAX_EDITS } from '../edit/latent_edits';
import { MAX_VARIATION_STRENGTH } from '../edit/variation';
import { MAX_RECORD_LATENT, MAX_RECORD_MODEL_ID, MAX_RECORD_SLOTS, MAX_RECORD_Z } from '../limits';
import { showUntrusted } from '../show_untrusted';

export const RECORD_FORMAT = 'biggan-explorer-sample';
export const RECORD_VERSION = 1;

export type Fail = (what: string) => never;
export type Check = (value: unknown, path: string, fail: Fail) => void;
export interface FieldSpec {
  check: Check;
  optional?: boolean;
}

const required = (check: Check): FieldSpec => ({ check });
const optional = (check: Check): FieldSpec => ({ check, optional: true });

function shown(v: unknown): string {
  return typeof v === 'string' && v.length <= 40 && /^[\x20-\x7e]*$/.test(v) && !v.includes("'")
    ? `'${v}'`
    : showUntrusted(v, { maxChars: 40 });
}

const text =
  (max: number): Check =>
  (v, path, fail) => {
    if (typeof v !== 'string') fail(`${path} is not a string`);
    if ((v as string).length > max) fail(`${path} is ${(v as string).length} characters; at most ${max}`);
  };

const integer =
  (min: number, max: number): Check =>
  (v, path, fail) => {
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
      fail(`${path} is ${typeof v === 'number' ? v : shown(v)}; it must be a whole number from ${min} to ${max}`);
    }
  };

const number =
  (min: number, max: number): Check =>
  (v, path, fail) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(`${path} is ${typeof v === 'number' ? v : shown(v)}, not a finite number`);
    if ((v as number) < min || (v as number) > max)
      fail(`${path} is ${v as number}; it must lie from ${min} to ${max}`);
  };

const boolean: Check = (v, path, fail) => {
  if (typeof v !== 'boolean') fail(`${path} is not true or false`);
};

const oneOf =
  (values: readonly string[]): Check =>
  (v, path, fail) => {
    if (!values.includes(v as string)) fail(`the ${path} ${shown(v)} is unknown (expected ${values.join(' or ')})`);
  };

const equals =
  (value: string | number): Check =>
  (v, path, fail) => {
    if (v !== value) fail(`its ${path} is ${shown(v)}, not ${shown(value)}`);
  };

const list =
  (item: Check, min: number, max: number): Check =>
  (v, path, fail) => {
    if (!Array.isArray(v)) return fail(`${path} is not a list`);
    if (v.length < min || v.length > max) fail(`${path} has ${v.length} entries; it needs ${min} to ${max}`);
    v.forEach((x, i) => item(x, `${path}[${i}]`, fail));
  };

/** A list of finite numbers within ±bound (a latent). */
const numbers =
  (bound: number, min: number, max: number): Check =>
  (v, path, fail) => {
    if (!Array.isArray(v)) return fail(`${path} is not a list of numbers`);
    if (v.length < min || v.length > max) fail(`${path} has ${v.length} values; it needs ${min} to ${max}`);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x))
        fail(`${path} is not a list of numbers (${path}[${i}] is ${shown(x)})`);
      if (Math.abs(x) > bound) fail(`${path}[${i}] is ${x}; latent values must lie within ±${bound}`);
    });
  };

const nullable =
  (check: Check): Check =>
  (v, path, fail) => {
    if (v !== null) check(v, path, fail);
  };

const object =
  (fields: Record<string, FieldSpec>): Check =>
  (v, path, fail) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(`${path} is not an object`);
    checkFields(v as Record<string, unknown>, fields, `${path}.`, fail);
  };

/** Runs a check that throws its own message (the shared seed and truncation rules). */
const rule =
  (check: (v: number) => void): Check =>
  (v, path, fail) => {
    if (typeof v !== 'number') fail(`${path} is ${shown(v)}, not a number`);
    try {
      check(v as number);
    } catch (e) {
      fail((e as Error).message.replace(/\.$/, ''));
    }
  };

const both =
  (...checks: Check[]): Check =>
  (v, path, fail) => {
    for (const c of checks) c(v, path, fail);
  };

/** Weights are normalised by their sum, which must itself be a finite positive number. */
const finiteWeightSum: Check = (v, _path, fail) => {
  const sum = (v as { weight: number }[]).reduce((s, c) => s + c.weight, 0);
  if (!Number.isFinite(sum)) fail(`the class weights sum to ${sum}`);
};

const classList = both(
  list(
    object({
      index: required(integer(0, 1_000_000)),
      weight: required(number(1e-12, Number.MAX_VALUE)),
      name: optional(text(200)),
    }),
    1,
    MAX_BLEND,
  ),
  finiteWeightSum,
);

const ascending: Check = (v, path, fail) => {
  if ((v as number[]).some((x, i, a) => i > 0 && x <= a[i - 1])) fail(`${path} is not in ascending order`);
};

const matches =
  (re: RegExp, what: string): Check =>
  (v, path, fail) => {
    if (typeof v !== 'string' || !re.test(v)) fail(`${path} is ${shown(v)}, not ${what}`);
  };

const slotList = both(list(integer(0, MAX_RECORD_SLOTS - 1), 1, MAX_RECORD_SLOTS), ascending);

/** A variation's or crossbreed's parent: lineageId() of its record, its seed and classes. */
const parentRef = object({
  id: required(matches(/^[0-9a-f]{16}$/, '16 hex digits')),
  seed: required(rule(checkSeed)),
  classes: required(classList),
});

/** Direction edits, a variation and a crossbreed (src/core/edit/edit_record.ts). */
const LINEAGE_FIELDS: Record<string, FieldSpec> = {
  edits: optional(
    list(
      object({
        slots: required(slotList),
        amount: required(number(-MAX_EDIT_AMOUNT, MAX_EDIT_AMOUNT)),
        vector: required(numbers(MAX_DIRECTION_VALUE, 1, MAX_RECORD_Z)),
        index: optional(integer(0, MAX_RECORD_Z)),
        name: optional(text(64)),
      }),
      0,
      MAX_EDITS,
    ),
  ),
  variation: optional(
    object({
      seed: required(rule(checkSeed)),
      strength: required(number(0, MAX_VARIATION_STRENGTH)),
      slots: optional(slotList),
      classChange: optional(boolean),
      parent: required(parentRef),
    }),
  ),
  crossbreed: optional(
    object({
      parents: required(list(parentRef, 2, 2)),
      pick: required(matches(/^[ab]{1,64}$/, "a list of 'a' and 'b'")),
      classMix: required(number(0, 1)),
      seed: optional(rule(checkSeed)),
    }),
  ),
};

export const RECORD_FIELDS: Record<string, FieldSpec> = {
  format: required(equals(RECORD_FORMAT)),
  version: required(equals(RECORD_VERSION)),
  app: required(object({ name: required(text(100)), version: required(text(100)) })),
  model: required(
    object({
      id: required(text(MAX_RECORD_MODEL_ID)),
      hash: required(text(200)),
      family: required(oneOf(['biggan-deep', 'biggan', 'biggan-tfhub'])),
      resolution: required(integer(1, 4096)),
    }),
  ),
  classes: required(classList),
  truncation: required(both(number(-Infinity, Infinity), rule(checkTruncation))),
  mode: required(oneOf(TRUNCATION_MODES)),
  seed: required(rule(checkSeed)),
  slots: required(
    list(
      nullable(
        object({
          seed: optional(integer(0, 2 ** 32 - 1)),
          strength: optional(number(0, 4)),
          locked: optional(boolean),
        }),
      ),
      0,
      MAX_RECORD_SLOTS,
    ),
  ),
  z: required(numbers(MAX_RECORD_LATENT, 1, MAX_RECORD_Z)),
  slotZ: optional(list(nullable(numbers(MAX_RECORD_LATENT, 1, MAX_RECORD_Z)), 0, MAX_RECORD_SLOTS)),
  backend: required(text(40)),
  batch: optional(integer(1, 64)),
  strip: optional(
    object({
      truncations: required(list(both(number(-Infinity, Infinity), rule(checkTruncation)), 1, 64)),
      spread: required(list(number(0, 1), 1, 64)),
      seeds: required(integer(1, 64)),
    }),
  ),
  ...LINEAGE_FIELDS,
};

export function checkFields(
  record: Record<string, unknown>,
  fields: Record<string, FieldSpec>,
  prefix: string,
  fail: Fail,
): void {
  for (const [name, spec] of Object.entries(fields)) {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (value === undefined) {
      if (!spec.optional) fail(`${prefix}${name} is missing`);
      continue;
    }
    spec.check(value, `${prefix}${name}`, fail);
  }
}
