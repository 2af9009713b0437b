import { CheckpointFormatError } from '../errors';
import { type ByteSource, byteSourceFrom } from './byte_source';
import { loadTensors, throwIfAborted } from './load_tensors';
import { checkStorageBounds } from './tensor_gather';
import { readSafetensorsLayout } from './safetensors';
import { LEGACY_MAGIC_PREFIX, readTorchLegacyLayout } from './torch_legacy';
import { readTorchZipLayout } from './torch_zip';
import { checkCheckpointTotals, type TensorView } from './tensor_view';
import type { CheckpointContainer, CheckpointSource, ReadCheckpointOptions, ReadCheckpointResult } from './types';

const ZIP_LOCAL = Uint8Array.of(0x50, 0x4b, 0x03, 0x04); // "PK\x03\x04"
const ZIP_EMPTY = Uint8Array.of(0x50, 0x4b, 0x05, 0x06); // an archive with no entries
const SNIFF_BYTES = 32;
/** The LONG1 opcode and payload of torch's magic number, wherever the pickle protocol puts it. */
const LEGACY_MAGIC_LONG = LEGACY_MAGIC_PREFIX.subarray(2);

/**
 * Reads every tensor of a PyTorch (zip or legacy torch.save) or safetensors checkpoint as
 * row-major float32, without executing anything in the file.
 */
export async function readCheckpoint(
  source: CheckpointSource,
  options: ReadCheckpointOptions = {},
): Promise<ReadCheckpointResult> {
  const { container, views } = await readCheckedLayout(source, options.signal);
  const tensors = await loadTensors(views, options);
  return { container, tensors };
}

/** The container and every tensor's view, all checked, before any tensor byte is read. */
export async function readCheckedLayout(
  source: CheckpointSource,
  signal?: AbortSignal,
): Promise<{ container: CheckpointContainer; views: TensorView[] }> {
  throwIfAborted(signal);
  const bytes = byteSourceFrom(source);
  const container = await sniffContainer(bytes);
  throwIfAborted(signal);
  const views = await readLayout(bytes, container);
  if (views.length === 0) {
    throw new CheckpointFormatError(
      'The checkpoint holds a dict with no tensors in it. Choose the file with the model weights.',
    );
  }
  for (const view of views) checkStorageBounds(view); // the per-tensor reason first: it says more
  checkCheckpointTotals(views, bytes.size);
  throwIfAborted(signal);
  return { container, views };
}

function readLayout(bytes: ByteSource, container: CheckpointContainer): Promise<TensorView[]> {
  switch (container) {
    case 'torch-zip':
      return readTorchZipLayout(bytes);
    case 'torch-legacy':
      return readTorchLegacyLayout(bytes);
    case 'safetensors':
      return readSafetensorsLayout(bytes);
  }
}

/** Decides the container from the first bytes; a file too short to tell is reported as truncated. */
export async function sniffContainer(bytes: ByteSource): Promise<CheckpointContainer> {
  if (bytes.size === 0) {
    throw new CheckpointFormatError(
      'The file is empty (0 bytes). The download or copy probably failed; download the checkpoint again.',
    );
  }
  const head = await bytes.read(0, Math.min(bytes.size, SNIFF_BYTES));
  if (startsWith(head, ZIP_LOCAL) || startsWith(head, ZIP_EMPTY)) return 'torch-zip';
  // Protocol 2 (torch's default) puts the magic at byte 2; protocol 4 puts a FRAME opcode first.
  if (head[0] === 0x80 && indexOf(head, LEGACY_MAGIC_LONG) >= 0) return 'torch-legacy';
  if (looksLikeSafetensors(head, bytes.size)) return 'safetensors';

  const truncatedPrefixOf = [ZIP_LOCAL, LEGACY_MAGIC_PREFIX].some(
    (sig) => head.length < sig.length && startsWith(sig, head),
  );
  if (truncatedPrefixOf) {
    throw new CheckpointFormatError(
      `The file ends at byte ${bytes.size}, inside the checkpoint's opening signature. The download was probably cut ` +
        'short; download it again.',
    );
  }
  if (head[0] === 0x80) {
    throw new CheckpointFormatError(
      `The file is a Python pickle (protocol ${head[1]}) but not a torch.save checkpoint: it lacks torch's magic ` +
        'number at byte 2. Save the state_dict with torch.save.',
    );
  }
  const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new CheckpointFormatError(
    `The file is not a checkpoint this reader knows (its first bytes are ${hex}): expected a PyTorch .pth/.bin ` +
      '(zip or legacy torch.save) or a .safetensors file. Check that you chose the model weights file.',
  );
}

function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9) return false;
  const headerLength = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
  // Too-long headers (a cut-short file, or a huge header) still count, so the safetensors reader can say which.
  return headerLength >= 2 && headerLength < 2 ** 32 && head[8] === 0x7b && size > 8;
}

function indexOf(bytes: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    if (startsWith(bytes.subarray(i), needle)) return i;
  }
  return -1;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
