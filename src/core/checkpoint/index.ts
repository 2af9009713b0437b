export type {
  CheckpointContainer,
  CheckpointSource,
  CheckpointTensor,
  ReadCheckpointOptions,
  ReadCheckpointResult,
  ReadProgress,
  StateDict,
  StorageDtype,
} from './types';
export { readCheckpoint, sniffContainer } from './read_checkpoint';
export { openCheckpoint, type OpenCheckpoint } from './open_checkpoint';
export { type ByteSource, byteSourceFrom } from './byte_source';
export { type PickleCallable, type UnpickleOptions, type UnpickleResult, unpickle } from './pickle';
export { resolveTorchGlobal, TensorRef } from './torch_globals';
export { NESTED_STATE_DICT_KEYS } from './find_state_dict';
export { gatherTensor, isContiguous } from './tensor_gather';
