/**
 * A faster Slice kernel for tfjs-backend-wasm 4.x.
 *
 * The stock kernel starts with `backend.readSync(x)`, which copies the WHOLE input out of the wasm
 * heap into a fresh JS ArrayBuffer before copying the slice back in: slicing one sample out of an
 * [8, 4096, 1024] attention map copies 128 MB, and fresh buffers page-fault on every call
 * (~0.45 s measured). This version reads the input through a view of the heap instead, so a slice
 * costs what it copies. Same results, bit for bit. The generators slice per sample (attention) and
 * per channel (BigGAN-deep's skip); whoever sets up the wasm backend installs it once
 * (src/cli/tf_node.ts, src/worker/backends.ts).
 *
 * No import of the wasm package: the backend's own kernel is looked up in the registry and
 * replaced only if it is there; other backends are untouched.
 */
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The wasm backend's own Slice kernel while ours is installed. */
let stock: tf.KernelConfig | null = null;

/**
 * Replaces the wasm backend's Slice kernel, once tfjs-backend-wasm has registered it (importing
 * the package does). Returns whether the fast kernel is installed; repeated calls do nothing.
 */
export function installFastWasmSlice(): boolean {
  if (stock) return true;
  const registered = tf.getKernel('Slice', 'wasm');
  if (!registered) return false;
  stock = registered;
  const stockFunc = registered.kernelFunc;
  const fastSlice: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const backend = args.backend as unknown as Partial<WasmBackendLike>;
    if (
      x.dtype === 'string' ||
      typeof backend.typedArrayFromHeap !== 'function' ||
      typeof backend.makeOutput !== 'function'
    ) {
      return stockFunc(args);
    }
    const attrs = args.attrs as unknown as tf.SliceAttrs;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    const out = backend.makeOutput(size, x.dtype);
    const total = tf.util.sizeFromShape(size);
    if (total === 0) return out;
    // Views taken after makeOutput: it may grow the heap, which detaches older views.
    const xv = backend.typedArrayFromHeap(x);
    const ov = backend.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const at = tf.slice_util.computeFlatOffset(begin, strides);
      ov.set(xv.subarray(at, at + total));
      return out;
    }
    copyRuns(xv, ov, x.shape.length, strides, begin, size);
    return out;
  };
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({ ...registered, kernelFunc: fastSlice });
  return true;
}

/** Puts the stock kernel back (tests compare the two). */
export function restoreStockWasmSlice(): void {
  if (!stock) return;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel(stock);
  stock = null;
}

/** Copies the slice as runs along the last axis, walking the outer axes like an odometer. */
function copyRuns(
  xv: Float32Array | Int32Array | Uint8Array,
  ov: Float32Array | Int32Array | Uint8Array,
  rank: number,
  strides: number[],
  begin: number[],
  size: number[],
): void {
  const run = size[rank - 1];
  const outer = rank - 1;
  const index = new Array<number>(outer).fill(0);
  let src = begin.reduce((a, b, i) => a + b * (i < outer ? strides[i] : 1), 0);
  const runs = tf.util.sizeFromShape(size.slice(0, outer));
  for (let r = 0, dst = 0; r < runs; r++, dst += run) {
    if (run > 16) {
      ov.set(xv.subarray(src, src + run), dst);
    } else {
      for (let k = 0; k < run; k++) ov[dst + k] = xv[src + k];
    }
    // Advance the odometer over the outer axes.
    for (let d = outer - 1; d >= 0; d--) {
      index[d]++;
      src += strides[d];
      if (index[d] < size[d]) break;
      src -= strides[d] * size[d];
      index[d] = 0;
    }
  }
}
