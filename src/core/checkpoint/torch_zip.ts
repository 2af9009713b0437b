import { CheckpointFormatError } from '../errors';
import { MAX_PICKLE_BYTES } from '../limits';
import { quoteUntrusted } from '../show_untrusted';
import type { ByteSource } from './byte_source';
import { ELEMENT_SIZE } from './dtype';
import { findStateDict } from './find_state_dict';
import { unpickle } from './pickle';
import { isStoragePid, resolveTorchGlobal } from './torch_globals';
import { type StorageSpan, type TensorView, isStorageSpan, storageInFile, tensorViewFromRef } from './tensor_view';
import { type ZipEntry, entryDataOffset, readZipDirectory, readZipEntry } from './zip_directory';

/**
 * The torch >= 1.6 container: a stored zip holding `<prefix>/data.pkl` (the state_dict pickle)
 * and one entry `<prefix>/data/<key>` per storage. The prefix varies (file stem, `archive`, ...).
 */
export async function readTorchZipLayout(source: ByteSource): Promise<TensorView[]> {
  const entries = await readZipDirectory(source);
  const pickleEntry = onlyPickle(entries);
  const prefix = pickleEntry.name.slice(0, pickleEntry.name.length - 'data.pkl'.length);
  checkOnePrefix(entries, prefix);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (pickleEntry.size > MAX_PICKLE_BYTES) {
    throw new CheckpointFormatError(
      `The zip's ${quoteUntrusted(pickleEntry.name)} declares ${pickleEntry.size} bytes; a state_dict pickle is a few ` +
        `hundred KB and at most ${MAX_PICKLE_BYTES >> 20} MB is read. The file is corrupt or not a state_dict checkpoint.`,
    );
  }

  const byteorder = byName.get(`${prefix}byteorder`);
  if (byteorder) {
    const raw = (await readZipEntry(source, byteorder, 16)).bytes;
    const order = new TextDecoder().decode(raw).trim();
    if (order === 'big') {
      throw new CheckpointFormatError('The checkpoint was saved big-endian; only little-endian files are supported.');
    }
    if (order !== 'little') {
      throw new CheckpointFormatError(
        `The checkpoint's byteorder entry is not "little" or "big" but ${quoteUntrusted(order, 20)}. The file is corrupt.`,
      );
    }
  }

  const storages = new Map<string, StorageSpan>();
  const persistentLoad = (pid: unknown, offset: number): StorageSpan => {
    if (!isStoragePid(pid)) {
      throw new CheckpointFormatError(
        `The persistent id at byte offset ${offset} of ${quoteUntrusted(pickleEntry.name)} is not a ('storage', type, key, location, numel) tuple. ` +
          'The file is corrupt or not a state_dict checkpoint.',
      );
    }
    const type = pid[1];
    const key = pid[2];
    const known = storages.get(key);
    if (known) {
      if (known.dtype !== type.dtype) {
        throw new CheckpointFormatError(
          `Storage ${quoteUntrusted(key)} is used as both ${known.dtype} and ${type.dtype}. The file is corrupt.`,
        );
      }
      return known;
    }
    const entry = byName.get(`${prefix}data/${key}`);
    if (!entry) {
      throw new CheckpointFormatError(
        `The pickle (byte offset ${offset} of ${quoteUntrusted(pickleEntry.name)}) refers to storage ${quoteUntrusted(key)}, but the zip has no ` +
          `entry ${prefix}data/${key}. The file is incomplete or damaged; download it again.`,
      );
    }
    const span = zipStorage(source, entry, key, type.dtype);
    storages.set(key, span);
    return span;
  };

  const pkl = await readZipEntry(source, pickleEntry);
  const { value } = unpickle(pkl.bytes, {
    resolveGlobal: resolveTorchGlobal,
    persistentLoad,
    // For a stored entry, offsets in messages are file offsets; for a deflated one, offsets in the entry.
    baseOffset: pickleEntry.method === 0 ? pkl.offset : 0,
    what:
      pickleEntry.method === 0
        ? 'the state_dict pickle'
        : `the state_dict pickle (${quoteUntrusted(pickleEntry.name)}, inflated)`,
  });
  const found = findStateDict(value);
  return found.entries.map(([name, ref]) =>
    tensorViewFromRef(name, ref, (storage) => {
      if (!isStorageSpan(storage)) {
        throw new CheckpointFormatError(
          `Tensor ${quoteUntrusted(name)} has no storage (persistent id). The file is corrupt.`,
        );
      }
      return storage as StorageSpan;
    }),
  );
}

/** The one `data.pkl`: torch reads a single archive folder, so two would be read differently by different tools. */
function onlyPickle(entries: readonly ZipEntry[]): ZipEntry {
  const pickles = entries.filter((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'));
  if (pickles.length === 0) {
    const names = entries.slice(0, 15).map((e) => quoteUntrusted(e.name, 80).slice(1, -1));
    throw new CheckpointFormatError(
      `The zip has no data.pkl, so it is not a PyTorch checkpoint. It contains ${entries.length} entries` +
        (names.length ? `: ${names.join(', ')}${entries.length > names.length ? ', ...' : ''}` : '') +
        '. Choose the .pth/.bin file saved by torch.save, or a .safetensors file.',
    );
  }
  if (pickles.length > 1) {
    throw new CheckpointFormatError(
      `The zip holds ${pickles.length} data.pkl entries (${pickles
        .slice(0, 3)
        .map((e) => quoteUntrusted(e.name, 60))
        .join(', ')}); ` + 'torch.save writes one. The file was re-packed or crafted; re-save it with torch.save.',
    );
  }
  return pickles[0]!;
}

/** torch.save writes every entry under the folder that holds data.pkl; torch refuses entries outside it. */
function checkOnePrefix(entries: readonly ZipEntry[], prefix: string): void {
  const outside = entries.find((e) => !e.name.startsWith(prefix));
  if (outside) {
    throw new CheckpointFormatError(
      `The zip has entries under more than one top folder (${quoteUntrusted(prefix, 60)} holds data.pkl, but ` +
        `${quoteUntrusted(outside.name, 60)} lies outside it); torch.save writes everything under one. The file was ` +
        're-packed or is not a PyTorch checkpoint; re-save it with torch.save.',
    );
  }
}

function zipStorage(source: ByteSource, entry: ZipEntry, key: string, dtype: StorageSpan['dtype']): StorageSpan {
  const fields = {
    label: `storage ${quoteUntrusted(key)} (${quoteUntrusted(entry.name)})`,
    dtype,
    numel: Math.floor(entry.size / ELEMENT_SIZE[dtype]),
    fileOffset: entry.localHeaderOffset,
  };
  if (entry.method === 0 && entry.compressedSize !== entry.size) {
    throw new CheckpointFormatError(
      `Zip entry ${quoteUntrusted(entry.name)} is stored uncompressed but lists ${entry.compressedSize} bytes stored and ${entry.size} ` +
        'bytes of content. The file is damaged; download it again.',
    );
  }
  if (entry.method === 0) return storageInFile(source, fields, () => entryDataOffset(source, entry));
  // A re-zipped (deflated) checkpoint: inflate the entry once, then slice it.
  const elem = ELEMENT_SIZE[dtype];
  let inflated: Promise<Uint8Array> | undefined;
  let inflatedTo = 0;
  // Inflates only as far as the tensors reach, and again from the start should a later read reach further.
  const bytes = async (first: number, count: number): Promise<Uint8Array> => {
    const end = (first + count) * elem;
    if (!inflated || end > inflatedTo) {
      inflatedTo = end;
      inflated = readZipEntry(source, entry, end).then((r) => r.bytes);
    }
    return (await inflated).subarray(first * elem, end);
  };
  return {
    ...fields,
    readElements: bytes,
    readElementsInto: async (first, target) => target.set(await bytes(first, target.length / elem)),
  };
}
