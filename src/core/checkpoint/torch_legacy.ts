import { CheckpointFormatError } from '../errors';
import { MAX_PICKLE_BYTES } from '../limits';
import { quoteUntrusted, showUntrusted } from '../show_untrusted';
import { type ByteSource, checkRange } from './byte_source';
import { ELEMENT_SIZE } from './dtype';
import { findStateDict } from './find_state_dict';
import { NeedMoreBytes, type UnpickleOptions, unpickle } from './pickle';
import { isStoragePid, resolveTorchGlobal } from './torch_globals';
import { type StorageSpan, type TensorView, storageInFile, storageWindow, tensorViewFromRef } from './tensor_view';
import type { StorageDtype } from './types';

/**
 * The pre-1.6 torch.save container: pickles back to back (magic number, protocol version 1001,
 * sys-info dict, the state_dict, the list of storage keys), then for each key in that list an
 * int64 LE element count followed by the storage's raw bytes.
 */

/** The magic number as its LONG1 pickle opens the file: PROTO 2, LONG1 10 bytes, 0x1950a86a20f9469cfc6c. */
export const LEGACY_MAGIC_PREFIX = Uint8Array.of(
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
);
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** What a legacy persistent id names: a root storage, possibly through a view (its 6th field). */
class LegacyStorageRef {
  constructor(
    readonly rootKey: string,
    readonly dtype: StorageDtype,
    readonly view: { key: string; offset: number; numel: number } | null,
  ) {}
}

export async function readTorchLegacyLayout(source: ByteSource): Promise<TensorView[]> {
  const prefix = new PrefixReader(source);
  const rootDtypes = new Map<string, StorageDtype>();

  let offset = 0;
  const magic = await prefix.unpickleAt(offset, { what: 'the magic-number pickle' });
  if (magic.value !== MAGIC_NUMBER) {
    throw new CheckpointFormatError(
      'The file is a pickle but not a torch.save checkpoint (wrong magic number at byte 0).',
    );
  }
  offset += magic.length;
  const protocol = await prefix.unpickleAt(offset, { what: 'the protocol-version pickle' });
  if (protocol.value !== PROTOCOL_VERSION) {
    throw new CheckpointFormatError(
      `The checkpoint's protocol version (byte offset ${offset}) is ${showUntrusted(protocol.value)}, expected ${PROTOCOL_VERSION}. ` +
        'Re-save it with a recent torch.save.',
    );
  }
  offset += protocol.length;
  const sysInfo = await prefix.unpickleAt(offset, { what: 'the sys-info pickle' });
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new CheckpointFormatError(
      'The checkpoint was saved on a big-endian machine; only little-endian files are supported.',
    );
  }
  offset += sysInfo.length;

  const persistentLoad = (pid: unknown, at: number): LegacyStorageRef => {
    if (!isStoragePid(pid)) {
      throw new CheckpointFormatError(
        `The persistent id at byte offset ${at} is not a ('storage', type, key, location, numel, view) tuple. ` +
          'The file is corrupt or not a state_dict checkpoint.',
      );
    }
    const key = pid[2];
    const dtype = pid[1].dtype;
    const known = rootDtypes.get(key);
    if (known !== undefined && known !== dtype) {
      throw new CheckpointFormatError(
        `Storage ${quoteUntrusted(key)} is used as both ${known} and ${dtype}. The file is corrupt.`,
      );
    }
    rootDtypes.set(key, dtype);
    const viewMeta: unknown = pid[5];
    if (viewMeta === null || viewMeta === undefined) return new LegacyStorageRef(key, dtype, null);
    // Storage views from very old torch: (view_key, offset, size) within the root storage.
    if (!Array.isArray(viewMeta) || viewMeta.length < 3 || !isCount(viewMeta[1]) || !isCount(viewMeta[2])) {
      throw new CheckpointFormatError(
        `The storage view metadata at byte offset ${at} is malformed. The file is corrupt.`,
      );
    }
    return new LegacyStorageRef(key, dtype, {
      key: showUntrusted(viewMeta[0]),
      offset: viewMeta[1],
      numel: viewMeta[2],
    });
  };

  const stateDict = await prefix.unpickleAt(offset, { what: 'the state_dict pickle', persistentLoad });
  offset += stateDict.length;
  const keyList = await prefix.unpickleAt(offset, { what: 'the storage-key list pickle' });
  offset += keyList.length;
  if (!Array.isArray(keyList.value) || !keyList.value.every((k) => typeof k === 'string')) {
    throw new CheckpointFormatError(
      `The storage-key list (byte offset ${offset - keyList.length}) is not a list of strings. The file is corrupt.`,
    );
  }
  const found = findStateDict(stateDict.value);

  // Storage records follow each other; their positions come from walking the count headers.
  const roots = new Map<string, StorageSpan>();
  const keys = keyList.value as string[];
  const headers = new WindowReader(source);
  for (const [i, key] of keys.entries()) {
    const dtype = rootDtypes.get(key);
    if (dtype === undefined) {
      throw new CheckpointFormatError(
        `Storage ${quoteUntrusted(key)} (number ${i + 1} in the key list) is not used by any tensor, so its size is unknown. ` +
          'The file is corrupt or not a state_dict checkpoint.',
      );
    }
    checkRange(
      source.size,
      offset,
      8,
      `the element count of storage ${quoteUntrusted(key)} (number ${i + 1} of ${keys.length})`,
    );
    const count = await headers.int64At(offset);
    const elem = ELEMENT_SIZE[dtype];
    if (count < 0n || count * BigInt(elem) > BigInt(source.size)) {
      throw new CheckpointFormatError(
        `Storage ${quoteUntrusted(key)} at byte offset ${offset} claims ${count} elements, more than the file (${source.size} bytes) can hold. ` +
          'The file is corrupt or truncated; download it again.',
      );
    }
    const numel = Number(count);
    const dataStart = offset + 8;
    checkRange(source.size, dataStart, numel * elem, `storage ${quoteUntrusted(key)} (${numel} ${dtype} elements)`);
    const label = `storage ${quoteUntrusted(key)} (byte offset ${dataStart})`;
    roots.set(key, storageInFile(source, { label, dtype, numel, fileOffset: dataStart }, dataStart));
    offset = dataStart + numel * elem;
  }

  const views = new Map<string, StorageSpan>();
  const resolve = (storage: unknown, tensorName: string): StorageSpan => {
    if (!(storage instanceof LegacyStorageRef)) {
      throw new CheckpointFormatError(
        `Tensor ${quoteUntrusted(tensorName)} has no storage (persistent id). The file is corrupt.`,
      );
    }
    const root = roots.get(storage.rootKey);
    if (!root) {
      throw new CheckpointFormatError(
        `Tensor ${quoteUntrusted(tensorName)} uses storage ${quoteUntrusted(storage.rootKey)}, which is missing from the storage-key list. The file is corrupt.`,
      );
    }
    if (!storage.view) return root;
    const { key, offset: viewOffset, numel } = storage.view;
    const cacheKey = `${storage.rootKey}/${key}/${viewOffset}/${numel}`;
    let span = views.get(cacheKey);
    if (!span) {
      if (viewOffset + numel > root.numel) {
        throw new CheckpointFormatError(
          `Storage view ${quoteUntrusted(key)} needs elements ${viewOffset}..${viewOffset + numel} of ${root.label}, which ` +
            `holds only ${root.numel}. The file is corrupt.`,
        );
      }
      span = storageWindow(root, `storage view ${quoteUntrusted(key)} of ${root.label}`, viewOffset, numel);
      views.set(cacheKey, span);
    }
    return span;
  };
  return found.entries.map(([name, ref]) => tensorViewFromRef(name, ref, resolve));
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Reads the 8-byte count headers through a 64 KB window: small storages sit back to back. */
class WindowReader {
  private start = 0;
  private bytes = new Uint8Array(0);
  constructor(private readonly source: ByteSource) {}

  async int64At(offset: number): Promise<bigint> {
    if (offset < this.start || offset + 8 > this.start + this.bytes.length) {
      this.start = offset;
      this.bytes = (await this.source.read(offset, Math.min(1 << 16, this.source.size - offset))).slice();
    }
    return new DataView(this.bytes.buffer).getBigInt64(offset - this.start, true);
  }
}

/**
 * The pickles' total length is only known by parsing them, so parse from a prefix of the file and
 * read a longer one when a pickle runs past it (a real state_dict pickle is ~100 KB).
 */
class PrefixReader {
  private bytes: Uint8Array | undefined;
  constructor(private readonly source: ByteSource) {}

  async unpickleAt(
    offset: number,
    options: Pick<UnpickleOptions, 'what' | 'persistentLoad'>,
  ): Promise<{ value: unknown; length: number }> {
    for (;;) {
      if (!this.bytes) this.bytes = await this.source.read(0, Math.min(this.source.size, 1 << 20));
      const complete = this.bytes.length === this.source.size;
      if (offset >= this.bytes.length && complete) {
        throw new CheckpointFormatError(
          `The file ends at byte ${this.source.size}, before ${options.what}. The file is truncated (the download was ` +
            'probably cut short); download it again.',
        );
      }
      try {
        return unpickle(this.bytes.subarray(offset), {
          ...options,
          resolveGlobal: resolveTorchGlobal,
          baseOffset: offset,
          complete,
        });
      } catch (err) {
        if (!(err instanceof NeedMoreBytes)) throw err;
        if (this.bytes.length >= MAX_PICKLE_BYTES) {
          throw new CheckpointFormatError(
            `${options.what ?? 'A pickle'} (from byte offset ${offset}) runs past the first ${MAX_PICKLE_BYTES >> 20} MB ` +
              'of the file; a state_dict pickle is a few hundred KB. The file is corrupt or not a state_dict checkpoint.',
          );
        }
        this.bytes = await this.source.read(0, Math.min(this.source.size, MAX_PICKLE_BYTES, this.bytes.length * 4));
      }
    }
  }
}
