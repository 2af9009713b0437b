import { CheckpointFormatError, UnsafePickleError } from '../errors';
import { quoteUntrusted } from '../show_untrusted';
import { TORCH_STORAGE_DTYPES } from './dtype';
import type { PickleCallable } from './pickle';
import type { StorageDtype } from './types';

/**
 * The only Python globals a state_dict pickle needs, and what "calling" each one means here.
 * Everything else is refused at GLOBAL time, before any REDUCE could reach it.
 */

/** What `_rebuild_tensor(_v2)` describes: a view into a storage. Nothing is read yet. */
export class TensorRef {
  constructor(
    /** Whatever the container's persistentLoad returned for the storage. */
    readonly storage: unknown,
    readonly storageOffset: unknown,
    readonly size: unknown,
    readonly stride: unknown,
    /** Byte offset of the REDUCE that built it, for error messages. */
    readonly pickleOffset: number,
  ) {}
}

/** A `torch.<X>Storage` class; only ever appears inside a persistent id. */
export class StorageType implements PickleCallable {
  readonly qualifiedName: string;
  constructor(
    name: string,
    readonly dtype: StorageDtype,
  ) {
    this.qualifiedName = `torch.${name}`;
  }
  call(_args: unknown[], offset: number): never {
    throw new CheckpointFormatError(
      `The pickle calls ${this.qualifiedName} at byte offset ${offset}; a state_dict never does. ` +
        'The file is not a plain state_dict checkpoint.',
    );
  }
}

/** ('storage', torch.<X>Storage, key, location, numel, ...): how both torch containers name a storage. */
export function isStoragePid(pid: unknown): pid is [string, StorageType, string, ...unknown[]] {
  return (
    Array.isArray(pid) &&
    pid.length >= 5 &&
    pid[0] === 'storage' &&
    pid[1] instanceof StorageType &&
    typeof pid[2] === 'string'
  );
}

const orderedDict: PickleCallable = {
  qualifiedName: 'collections.OrderedDict',
  call(args, offset) {
    if (args.length !== 0) {
      throw new CheckpointFormatError(
        `collections.OrderedDict is called with arguments at byte offset ${offset}; expected none. The file is corrupt.`,
      );
    }
    return new Map();
  },
};

function rebuildTensor(name: string, minArgs: number): PickleCallable {
  return {
    qualifiedName: `torch._utils.${name}`,
    call(args, offset) {
      if (args.length < minArgs) {
        throw new CheckpointFormatError(
          `torch._utils.${name} at byte offset ${offset} has ${args.length} arguments, expected at least ` +
            `${minArgs}. The file is corrupt.`,
        );
      }
      return new TensorRef(args[0], args[1], args[2], args[3], offset);
    },
  };
}

/** `_rebuild_parameter(data, requires_grad, hooks)` wraps a tensor as nn.Parameter: keep the tensor. */
const rebuildParameter: PickleCallable = {
  qualifiedName: 'torch._utils._rebuild_parameter',
  call(args, offset) {
    if (!(args[0] instanceof TensorRef)) {
      throw new CheckpointFormatError(
        `torch._utils._rebuild_parameter at byte offset ${offset} does not wrap a tensor. The file is corrupt.`,
      );
    }
    return args[0];
  },
};

const ALLOWED = new Map<string, PickleCallable>([
  ['collections OrderedDict', orderedDict],
  ['torch._utils _rebuild_tensor_v2', rebuildTensor('_rebuild_tensor_v2', 4)],
  ['torch._utils _rebuild_tensor', rebuildTensor('_rebuild_tensor', 4)],
  ['torch._utils _rebuild_parameter', rebuildParameter],
  ...[...TORCH_STORAGE_DTYPES].map(
    ([name, dtype]) => [`torch ${name}`, new StorageType(name, dtype)] as [string, PickleCallable],
  ),
]);

const SYSTEM_MODULES = new Set([
  ...['os', 'posix', 'nt', 'builtins', '__builtin__', 'subprocess', 'sys', 'shutil', 'socket'],
  ...['importlib', 'runpy', 'pty', 'code', 'pickle', 'marshal', 'ctypes'],
]);

/** The whitelist handed to `unpickle` for torch state_dict pickles. */
export function resolveTorchGlobal(module: string, name: string, offset: number): PickleCallable {
  const allowed = ALLOWED.get(`${module} ${name}`);
  if (allowed) return allowed;
  const shown = quoteUntrusted(`${module}.${name}`);
  // Names like `models.BigGAN` suggest a whole pickled model; `os.system` and friends do not deserve a hint.
  const hint = SYSTEM_MODULES.has(module.split('.')[0]!)
    ? ''
    : ' If this is a whole pickled model or training state rather than a state_dict, load it in Python and ' +
      'save model.state_dict() instead.';
  throw new UnsafePickleError(
    `The checkpoint's pickle asks for the Python global ${shown} at byte offset ${offset}, which a state_dict ` +
      'never needs. The file may be malicious and was not loaded; nothing in it was executed.' +
      hint,
  );
}
