/**
 * A checkpoint opened for reading tensor by tensor. The layout is read and checked up front (as
 * readCheckpoint does), but each tensor's bytes are read from the source only when asked for, so
 * a converter can hold one tensor at a time instead of the whole state_dict: on a 334 MB file in
 * a browser that is the difference between the file's size and a few MB.
 */
import { CheckpointFormatError } from '../errors';
import { loadTensors } from './load_tensors';
import { isContiguous } from './tensor_gather';
import { readCheckedLayout } from './read_checkpoint';
import type { TensorView } from './tensor_view';
import type { CheckpointContainer, CheckpointSource, CheckpointTensor } from './types';

export interface OpenCheckpoint {
  container: CheckpointContainer;
  /** Every tensor's shape, in file order. */
  shapes: Map<string, number[]>;
  /** Reads one tensor, gathered to row-major float32, exactly as readCheckpoint would. */
  read(name: string, signal?: AbortSignal): Promise<CheckpointTensor>;
}

export async function openCheckpoint(source: CheckpointSource, signal?: AbortSignal): Promise<OpenCheckpoint> {
  const { container, views } = await readCheckedLayout(source, signal);
  const byName = new Map<string, TensorView>();
  for (const view of views) {
    if (byName.has(view.name)) {
      throw new CheckpointFormatError(`The checkpoint holds two tensors named "${view.name}". The file is corrupt.`);
    }
    byName.set(view.name, view);
  }
  return {
    container,
    shapes: new Map(views.map((v) => [v.name, v.shape.slice()])),
    async read(name, readSignal) {
      const view = byName.get(name);
      if (!view) throw new CheckpointFormatError(`The checkpoint has no tensor "${name}".`);
      const permuted = storageAxisOrder(view);
      if (permuted) return { shape: view.shape.slice(), dtype: 'float32', data: await readPermuted(view, permuted) };
      return (await loadTensors([view], { signal: readSignal })).get(name)!;
    },
  };
}

/** Storage elements read at a time by readPermuted: 4 MB. */
const CHUNK_ELEMENTS = 1 << 20;

/**
 * The axes of a float32 view from outermost to innermost in its storage, when the view is a
 * transpose that holds each storage element of its range exactly once (TF arrays written under a
 * PyTorch shape, as the released BigGAN-deep files are) and is not already row-major; else null.
 */
function storageAxisOrder(view: TensorView): number[] | null {
  if (view.storage.dtype !== 'float32' || isContiguous(view.shape, view.stride) || view.shape.some((n) => n === 0))
    return null;
  const axes = view.shape.map((_, d) => d).filter((d) => view.shape[d] > 1);
  axes.sort((a, b) => view.stride[b] - view.stride[a]);
  let expected = 1;
  for (let k = axes.length - 1; k >= 0; k--) {
    if (view.stride[axes[k]] !== expected) return null;
    expected *= view.shape[axes[k]];
  }
  return axes;
}

/**
 * Gathers a transposed view by walking its storage in order, a chunk at a time, and writing each
 * element to its row-major place: the tensor's bytes are never held twice (an 85 MB TF Hub kernel
 * would otherwise need a second 85 MB).
 */
async function readPermuted(view: TensorView, axes: number[]): Promise<Float32Array> {
  const numel = view.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(numel);
  const rowStride = view.shape.map((_, d) => view.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const sizes = axes.map((d) => view.shape[d]);
  const steps = axes.map((d) => rowStride[d]);
  const index = new Array<number>(axes.length).fill(0);
  let at = 0; // row-major position of the current storage element
  const scratch = new Uint8Array(Math.min(numel, CHUNK_ELEMENTS) * 4);
  for (let done = 0; done < numel;) {
    const count = Math.min(CHUNK_ELEMENTS, numel - done);
    const bytes = await view.storage.readElements(view.storageOffset + done, count, scratch);
    const values =
      bytes.byteOffset % 4 === 0
        ? new Float32Array(bytes.buffer, bytes.byteOffset, count)
        : new Float32Array(bytes.slice(0, count * 4).buffer);
    for (let i = 0; i < count; i++) {
      out[at] = values[i];
      // Advance the storage-order counter, innermost axis first, keeping `at` in step.
      for (let k = axes.length - 1; k >= 0; k--) {
        at += steps[k];
        if (++index[k] < sizes[k]) break;
        at -= steps[k] * sizes[k];
        index[k] = 0;
      }
    }
    done += count;
  }
  return out;
}
