import type { StorageDtype } from './types';

/** Bytes per element of each storage dtype as laid out in the file. */
export const ELEMENT_SIZE: Readonly<Record<StorageDtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  uint8: 1,
  bool: 1,
};

/** `torch.<Name>Storage` globals a state_dict pickle may name, and the dtype each holds. */
export const TORCH_STORAGE_DTYPES: ReadonlyMap<string, StorageDtype> = new Map([
  ['FloatStorage', 'float32'],
  ['HalfStorage', 'float16'],
  ['BFloat16Storage', 'bfloat16'],
  ['DoubleStorage', 'float64'],
  ['LongStorage', 'int64'],
  ['IntStorage', 'int32'],
  ['ByteStorage', 'uint8'],
  ['BoolStorage', 'bool'],
]);

/** safetensors header dtype names. */
export const SAFETENSORS_DTYPES: ReadonlyMap<string, StorageDtype> = new Map([
  ['F32', 'float32'],
  ['F16', 'float16'],
  ['BF16', 'bfloat16'],
  ['F64', 'float64'],
  ['I64', 'int64'],
  ['I32', 'int32'],
  ['U8', 'uint8'],
  ['BOOL', 'bool'],
]);
