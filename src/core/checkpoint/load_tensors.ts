import { CancelledError, CheckpointFormatError } from '../errors';
import { ELEMENT_SIZE } from './dtype';
import { checkStorageBounds, gatherTensor, isContiguous, numelOf, reachableRange } from './tensor_gather';
import type { StorageSpan, TensorView } from './tensor_view';
import type { CheckpointTensor, ReadCheckpointOptions, StateDict } from './types';

/**
 * Reads the tensor data behind validated views. Each storage is read once, only over the element
 * range its views touch, in file order. A lone contiguous float32 tensor is read straight into its
 * output array; everything else goes through one reused scratch buffer, so peak memory is the
 * output plus the largest storage.
 */
export async function loadTensors(
  views: readonly TensorView[],
  options: ReadCheckpointOptions = {},
): Promise<StateDict> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);

  const seen = new Set<string>();
  for (const view of views) {
    if (seen.has(view.name)) {
      throw new CheckpointFormatError(`The checkpoint holds two tensors named "${view.name}". The file is corrupt.`);
    }
    seen.add(view.name);
    checkStorageBounds(view); // all up front: a corrupt file fails before any data is read
  }

  const groups = new Map<StorageSpan, { first: number; last: number; members: number[] }>();
  views.forEach((view, index) => {
    const range = reachableRange(view);
    let group = groups.get(view.storage);
    if (!group) {
      group = { first: Infinity, last: -Infinity, members: [] };
      groups.set(view.storage, group);
    }
    group.members.push(index);
    if (range) {
      group.first = Math.min(group.first, range.first);
      group.last = Math.max(group.last, range.last);
    }
  });

  const ordered = [...groups].sort(([a], [b]) => a.fileOffset - b.fileOffset);
  const byteCount = (storage: StorageSpan, g: { first: number; last: number }): number =>
    g.last >= g.first ? (g.last - g.first + 1) * ELEMENT_SIZE[storage.dtype] : 0;
  const total = ordered.reduce((sum, [storage, g]) => sum + byteCount(storage, g), 0);
  let loaded = 0;
  onProgress?.({ loaded, total });

  const results = new Array<CheckpointTensor>(views.length);
  // Storages that need gathering are read into one reused buffer rather than a fresh one each.
  let scratch = new Uint8Array(0);
  for (const [storage, group] of ordered) {
    throwIfAborted(signal);
    const count = group.last >= group.first ? group.last - group.first + 1 : 0;
    const only = group.members.length === 1 ? views[group.members[0]!]! : undefined;
    if (
      only &&
      count > 0 &&
      storage.dtype === 'float32' &&
      count === numelOf(only.shape) &&
      isContiguous(only.shape, only.stride)
    ) {
      // The common case: one contiguous float32 tensor per storage. Its bytes go straight into the output.
      const data = new Float32Array(count);
      await storage.readElementsInto(group.first, new Uint8Array(data.buffer));
      results[group.members[0]!] = { shape: only.shape.slice(), dtype: storage.dtype, data };
    } else {
      const byteLength = byteCount(storage, group);
      if (scratch.length < byteLength) scratch = new Uint8Array(byteLength);
      const bytes = count > 0 ? await storage.readElements(group.first, count, scratch) : new Uint8Array(0);
      throwIfAborted(signal);
      for (const index of group.members) {
        const view = views[index]!;
        results[index] = {
          shape: view.shape.slice(),
          dtype: storage.dtype,
          data: gatherOrExplain(bytes, storage.dtype, count > 0 ? group.first : 0, view),
        };
      }
    }
    loaded += byteCount(storage, group);
    onProgress?.({ loaded, total });
  }

  const tensors: StateDict = new Map();
  views.forEach((view, index) => tensors.set(view.name, results[index]!));
  return tensors;
}

function gatherOrExplain(...args: Parameters<typeof gatherTensor>): Float32Array {
  try {
    return gatherTensor(...args);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    // Only an allocation can fail here: a view (e.g. stride 0) far larger than its storage.
    const view = args[3] as TensorView;
    throw new CheckpointFormatError(
      `Tensor "${view.name}" of shape [${view.shape.join(', ')}] does not fit in memory (${err.message}). ` +
        'The file is corrupt or not a BigGAN checkpoint.',
    );
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Reading the checkpoint was cancelled.');
}
