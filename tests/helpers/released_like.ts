/**
 * Checkpoints laid out like the released BigGAN-deep files: written from transposed TF arrays, so
 * weights are non-contiguous views (TF order in the storage, PyTorch shape and permuted strides).
 */
import type { StateDict } from '../../src/core/checkpoint/types';
import { float32Bytes, type CheckpointSpec, type StorageSpec, type TensorSpec } from './torch_writer';

/** Storage axis order of a PyTorch-shaped tensor exported from TF: [out,in,kh,kw] <- [kh,kw,in,out]. */
function tfAxisOrder(rank: number): number[] {
  if (rank === 4) return [2, 3, 1, 0];
  if (rank === 2) return [1, 0];
  return Array.from({ length: rank }, (_, i) => i);
}

/** Every tensor of rank 2 or 4 is stored transposed; 1-d ones share one storage at offsets. */
export function releasedLikeSpec(stateDict: StateDict): CheckpointSpec {
  const storages: StorageSpec[] = [];
  const tensors: TensorSpec[] = [];
  const small: number[] = [];
  for (const [name, t] of stateDict) {
    const rank = t.shape.length;
    if (rank <= 1) {
      tensors.push({ name, storage: 'shared_1d', storageOffset: small.length, shape: t.shape });
      for (const v of t.data) small.push(v);
      continue;
    }
    const order = tfAxisOrder(rank);
    const storedShape = order.map((a) => t.shape[a]);
    const storedStrides = new Array<number>(rank);
    let s = 1;
    for (let i = rank - 1; i >= 0; i--) {
      storedStrides[i] = s;
      s *= storedShape[i];
    }
    // Stride of PyTorch axis a = stride of the stored axis holding it.
    const stride = t.shape.map((_, a) => storedStrides[order.indexOf(a)]);
    const stored = new Float32Array(t.data.length);
    const idx = new Array<number>(rank).fill(0);
    for (let flat = 0; flat < t.data.length; flat++) {
      let at = 0;
      for (let a = 0; a < rank; a++) at += idx[a] * stride[a];
      stored[at] = t.data[flat];
      for (let a = rank - 1; a >= 0; a--) {
        if (++idx[a] < t.shape[a]) break;
        idx[a] = 0;
      }
    }
    const key = String(storages.length);
    storages.push({ key, dtype: 'float32', numel: stored.length, bytes: float32Bytes(stored) });
    tensors.push({ name, storage: key, shape: t.shape, stride });
  }
  storages.push({ key: 'shared_1d', dtype: 'float32', numel: small.length, bytes: float32Bytes(small) });
  return { storages, tensors };
}
