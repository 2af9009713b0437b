/**
 * A checkpoint opened for reading tensor by tensor. The layout is read and checked up front (as
 * readCheckpoint does), but each tensor's bytes are read from the source only when asked for, so
 * a converter can hold one tensor at a time instead of the whole state_dict: on a 334 MB file in
 * a browser that is the difference between the file's size and a few MB.
 */
import { CheckpointFormatError } from '../errors';
import { loadTensors } from './load_tensors';
import { readCheckedLayout } from './read_checkpoint';
import type { TensorView } from './tensor_view';
import type { CheckpointContainer, CheckpointSource, CheckpointTensor } from './types';

export interface OpenCheckpoint {
  container: CheckpointContainer;
  /** Every tensor's shape, in file order. */
  shapes: Map<string, number[]>;
  /** Bytes of all tensors as float32 (for progress). */
  dataBytes: number;
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
    dataBytes: views.reduce((n, v) => n + v.shape.reduce((a, b) => a * b, 1) * 4, 0),
    async read(name, readSignal) {
      const view = byName.get(name);
      if (!view) throw new CheckpointFormatError(`The checkpoint has no tensor "${name}".`);
      return (await loadTensors([view], { signal: readSignal })).get(name)!;
    },
  };
}
