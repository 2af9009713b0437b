/**
 * Every limit the readers of untrusted files enforce, in one place (the README's "Security"
 * section lists the same). Each is far above what a real BigGAN checkpoint, PNG record or .npy
 * input needs, and far below what would exhaust a browser tab or a 2-core machine.
 */

/** Bytes of one pickle (a real state_dict pickle is a few hundred KB). */
export const MAX_PICKLE_BYTES = 64 << 20;
/** Pickle opcodes run in one pickle; a BigGAN-deep-512 state_dict (698 tensors) runs about 25k. */
export const MAX_PICKLE_OPCODES = 4_000_000;
/** Values on the pickle stack at once (torch batches SETITEMS/APPENDS by 1000). */
export const MAX_PICKLE_STACK = 200_000;
/** Memo entries; torch memoises each storage tuple and global once, a few per tensor. */
export const MAX_PICKLE_MEMO = 200_000;
/** Tuples, lists and dicts inside each other; a state_dict needs 4 levels. */
export const MAX_PICKLE_NESTING = 100;

/** Tensors in one checkpoint; the largest BigGAN (deep-512) has 698. */
export const MAX_TENSORS = 20_000;
/** Elements of one tensor: 2^31 - 1 float32 values are 8 GB, which no generator tensor nears. */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;
/** Dimensions of one tensor. */
export const MAX_TENSOR_RANK = 64;
/** Elements declared by all tensors together (4 GiB as float32; BigGAN-deep-512 has 56M). */
export const MAX_DECLARED_ELEMENTS = 2 ** 30;
/**
 * float32 bytes all tensors may take once read, beyond 4x the file (every dtype widens at most 4x
 * to float32). Only a view that repeats storage elements (stride 0, overlapping or aliased
 * tensors) can exceed 4x the file; PyTorch keeps those as views, we must copy them.
 */
export const MAX_EXPANSION_BYTES = 64 << 20;

/** Bytes of a safetensors JSON header; a BigGAN header is about 60 KB. */
export const MAX_SAFETENSORS_HEADER = 16 << 20;

/** Entries in a zip's central directory. */
export const MAX_ZIP_ENTRIES = 100_000;
/** Deflate cannot expand more than 1032:1, so a larger declared size is a lie. */
export const MAX_DEFLATE_RATIO = 1032;

/** Bytes of a .npy header (numpy itself refuses headers over 10 KB unless told otherwise). */
export const MAX_NPY_HEADER = 10_000;
/** Dimensions of a .npy array. */
export const MAX_NPY_RANK = 32;

/** Chunks in a PNG read for its text; our exports have a handful. */
export const MAX_PNG_CHUNKS = 10_000;
/** Characters of one (inflated) PNG text chunk; our records are a few KB. */
export const MAX_PNG_TEXT = 1 << 20;

/** |z| in a sample record: a truncated normal stays within 2, so 100 leaves room and refuses 1e30. */
export const MAX_RECORD_LATENT = 100;
/** Values of one latent in a record (BigGAN-deep's z has 128). */
export const MAX_RECORD_Z = 4096;
/** Latent slots in a record (BigGAN-deep-512 has 18). */
export const MAX_RECORD_SLOTS = 64;
/** Characters of a record's model id (a path or URL). */
export const MAX_RECORD_MODEL_ID = 1000;

/** Characters of an untrusted value quoted in an error message, and how deep it is described. */
export const MAX_SHOWN_CHARS = 120;
export const MAX_SHOWN_DEPTH = 3;
