/** What a checkpoint reader hands to the converter: named float32 arrays, row-major. */

/** Element types a storage may hold. Everything is widened to float32 on read. */
export type StorageDtype = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';

export interface CheckpointTensor {
  /** Row-major shape as the writer declared it (PyTorch layout). */
  shape: number[];
  /** The dtype of the storage in the file. */
  dtype: StorageDtype;
  /** Contiguous row-major values, gathered through offset/size/stride. */
  data: Float32Array;
}

/** Insertion order is the file's order. */
export type StateDict = Map<string, CheckpointTensor>;

export type CheckpointContainer = 'torch-zip' | 'torch-legacy' | 'safetensors';

export interface ReadCheckpointResult {
  container: CheckpointContainer;
  tensors: StateDict;
}

/** Random-access bytes: a Blob (browser File, Node `fs.openAsBlob`) or an in-memory buffer. */
export type CheckpointSource = Blob | ArrayBuffer | Uint8Array;

export interface ReadProgress {
  /** Bytes of tensor data read so far and in all. */
  loaded: number;
  total: number;
}

export interface ReadCheckpointOptions {
  onProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
}
