import { CheckpointFormatError } from '../errors';
import { showUntrusted } from '../show_untrusted';
import { TensorRef } from './torch_globals';

/**
 * Finds the dict of tensors in what a pickle held. Usually that is the top-level object; training
 * checkpoints wrap it as e.g. {'G': ..., 'G_ema': ..., 'optim': ..., 'epoch': 3}. G_ema comes
 * before G because the exponential moving average is the generator people sample from.
 */
export const NESTED_STATE_DICT_KEYS = ['state_dict', 'G_ema', 'G', 'model'] as const;

export interface FoundStateDict {
  /** Where it was found: '' for the top level, else the key it was under. */
  path: string;
  entries: Array<[string, TensorRef]>;
}

export function findStateDict(top: unknown): FoundStateDict {
  const direct = tensorEntries(top);
  if (direct.length > 0) return { path: '', entries: direct };
  if (top instanceof Map) {
    for (const key of NESTED_STATE_DICT_KEYS) {
      const nested = tensorEntries(top.get(key));
      if (nested.length > 0) return { path: key, entries: nested };
    }
    const keys = [...top.keys()].slice(0, 20).map((k) => showUntrusted(k, { maxChars: 60 }));
    throw new CheckpointFormatError(
      `The checkpoint holds a dict without tensors (keys: ${keys.join(', ') || 'none'}${top.size > 20 ? ', ...' : ''}) ` +
        `and none of ${NESTED_STATE_DICT_KEYS.map((k) => `"${k}"`).join(', ')} holds a dict of tensors. ` +
        "Load it in Python and save the generator's state_dict() on its own.",
    );
  }
  throw new CheckpointFormatError(
    `The checkpoint holds ${describe(top)}, not a dict of tensors (a state_dict). ` +
      "Load it in Python and save the generator's state_dict() on its own.",
  );
}

/** The tensor-valued items of a dict; other values (step counters, configs) are skipped. */
function tensorEntries(value: unknown): Array<[string, TensorRef]> {
  if (!(value instanceof Map)) return [];
  const out: Array<[string, TensorRef]> = [];
  for (const [key, v] of value) {
    if (!(v instanceof TensorRef)) continue;
    if (typeof key !== 'string') {
      throw new CheckpointFormatError(
        `A tensor name in the state_dict is not a string but ${showUntrusted(key)}; torch.save writes every ` +
          'state_dict key as a string. The file is corrupt or was crafted.',
      );
    }
    out.push([key, v]);
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `a list/tuple of ${value.length} items`;
  if (value instanceof TensorRef) return 'a single tensor';
  if (value instanceof Set) return 'a set';
  return `a ${typeof value}`;
}
