import { CheckpointFormatError } from '../errors';
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
  const pickleEntry = entries
    .filter((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'))
    .sort((a, b) => a.name.length - b.name.length)[0];
  if (!pickleEntry) {
    const names = entries.slice(0, 15).map((e) => e.name);
    throw new CheckpointFormatError(
      `The zip has no data.pkl, so it is not a PyTorch checkpoint. It contains ${entries.length} entries` +
        (names.length ? `: ${names.join(', ')}${entries.length > names.length ? ', ...' : ''}` : '') +
        '. Choose the .pth/.bin file saved by torch.save, or a .safetensors file.',
    );
  }
  const prefix = pickleEntry.name.slice(0, pickleEntry.name.length - 'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));

  const byteorder = byName.get(`${prefix}byteorder`);
  if (byteorder) {
    const order = new TextDecoder().decode((await readZipEntry(source, byteorder)).bytes).trim();
    if (order !== 'little') {
      throw new CheckpointFormatError(`The checkpoint was saved ${order}-endian; only little-endian files are supported.`);
    }
  }

  const storages = new Map<string, StorageSpan>();
  const persistentLoad = (pid: unknown, offset: number): StorageSpan => {
    if (!isStoragePid(pid)) {
      throw new CheckpointFormatError(
        `The persistent id at byte offset ${offset} of ${pickleEntry.name} is not a ('storage', type, key, location, numel) tuple. ` +
          'The file is corrupt or not a state_dict checkpoint.',
      );
    }
    const type = pid[1];
    const key = pid[2];
    const known = storages.get(key);
    if (known) {
      if (known.dtype !== type.dtype) {
        throw new CheckpointFormatError(`Storage "${key}" is used as both ${known.dtype} and ${type.dtype}. The file is corrupt.`);
      }
      return known;
    }
    const entry = byName.get(`${prefix}data/${key}`);
    if (!entry) {
      throw new CheckpointFormatError(
        `The pickle (byte offset ${offset} of ${pickleEntry.name}) refers to storage "${key}", but the zip has no ` +
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
    what: pickleEntry.method === 0 ? 'the state_dict pickle' : `the state_dict pickle (${pickleEntry.name}, inflated)`,
  });
  const found = findStateDict(value);
  return found.entries.map(([name, ref]) =>
    tensorViewFromRef(name, ref, (storage) => {
      if (!isStorageSpan(storage)) {
        throw new CheckpointFormatError(`Tensor "${name}" has no storage (persistent id). The file is corrupt.`);
      }
      return storage as StorageSpan;
    }),
  );
}

function zipStorage(source: ByteSource, entry: ZipEntry, key: string, dtype: StorageSpan['dtype']): StorageSpan {
  const fields = {
    label: `storage "${key}" (${entry.name})`,
    dtype,
    numel: Math.floor(entry.size / ELEMENT_SIZE[dtype]),
    fileOffset: entry.localHeaderOffset,
  };
  if (entry.method === 0 && entry.compressedSize !== entry.size) {
    throw new CheckpointFormatError(
      `Zip entry "${entry.name}" is stored uncompressed but lists ${entry.compressedSize} bytes stored and ${entry.size} ` +
        'bytes of content. The file is damaged; download it again.',
    );
  }
  if (entry.method === 0) return storageInFile(source, fields, () => entryDataOffset(source, entry));
  // A re-zipped (deflated) checkpoint: inflate the entry once, then slice it.
  const elem = ELEMENT_SIZE[dtype];
  let inflated: Promise<Uint8Array> | undefined;
  const bytes = async (first: number, count: number): Promise<Uint8Array> =>
    (await (inflated ??= readZipEntry(source, entry).then((r) => r.bytes))).subarray(first * elem, (first + count) * elem);
  return {
    ...fields,
    readElements: bytes,
    readElementsInto: async (first, target) => target.set(await bytes(first, target.length / elem)),
  };
}
