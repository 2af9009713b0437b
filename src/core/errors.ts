/**
 * One error class per failure. Each message says what is wrong and what to do about it; the
 * `name` survives the worker boundary so the UI can rebuild the same class (see worker/errors).
 */

/** Our errors; each registered class is named after its registry key (nameErrorClasses). */
export class BigGanError extends Error {}

/** The bytes are not a checkpoint we can read (empty, truncated, not a torch/safetensors file). */
export class CheckpointFormatError extends BigGanError {}

/** The pickle names a global outside the state_dict whitelist; nothing was executed. */
export class UnsafePickleError extends BigGanError {}

/** The tensors do not form a BigGAN generator we know (missing key, wrong shape, unknown family). */
export class ArchitectureError extends BigGanError {}

/** A config.json (or an override) disagrees with the tensors, or cannot be inferred. */
export class ConfigError extends BigGanError {}

/** A converted model (model.json + shards) is malformed or does not match its description. */
export class ModelFormatError extends BigGanError {}

/** A sampling setting is out of range (truncation, class vector, z shape, chunk override). */
export class SettingsError extends BigGanError {}

/** The user (or a newer request) cancelled the operation. */
export class CancelledError extends BigGanError {}

/** The Hugging Face Hub answered, but not with what was asked for (no such repository, no checkpoint in it). */
export class HubError extends BigGanError {}

export const ERROR_CLASSES = {
  BigGanError,
  CheckpointFormatError,
  UnsafePickleError,
  ArchitectureError,
  ConfigError,
  ModelFormatError,
  SettingsError,
  CancelledError,
  HubError,
} as const;

export type ErrorClass = new (message: string) => Error;

/**
 * Names each class after its key in `registry`. The name must cross the worker boundary, and a
 * minified build renames classes (a CancelledError arrived named "of"), so `new.target.name` will
 * not do.
 */
export function nameErrorClasses(registry: Record<string, ErrorClass>): void {
  for (const [name, Cls] of Object.entries(registry)) {
    Object.defineProperty(Cls.prototype, 'name', { value: name, writable: true, configurable: true });
  }
}

nameErrorClasses(ERROR_CLASSES);
