/**
 * The readers of untrusted input, by the kind of file each takes: what the fuzz cases and the
 * crafted hostile files are fed to. Each returns a short summary of what it read.
 */
import { readCheckpoint, resolveTorchGlobal, unpickle } from '../../src/core/checkpoint';
import type { Architecture } from '../../src/core/config/architecture';
import { readSampleRecord } from '../../src/core/export/png_metadata';
import { parseSampleRecord } from '../../src/core/export/sample_record';
import { readNpy } from '../../src/core/io/npy';

/** A 3-slot BigGAN-deep-shaped architecture, enough for the record checks that need a model. */
export const RECORD_ARCH: Architecture = {
  family: 'biggan-deep',
  resolution: 8,
  zDim: 4,
  classEmbedDim: 4,
  numClasses: 10,
  channelWidth: 4,
  layers: [
    { upsample: true, inChannels: 4, outChannels: 4 },
    { upsample: false, inChannels: 4, outChannels: 4 },
  ],
  attentionPosition: 1,
  eps: 1e-4,
  nStats: 1,
};

export const READERS = {
  checkpoint: async (bytes: Uint8Array) => `${(await readCheckpoint(bytes)).tensors.size} tensors`,
  pickle: async (bytes: Uint8Array) => {
    const { length } = unpickle(bytes, { resolveGlobal: resolveTorchGlobal, persistentLoad: (pid) => pid });
    return `${length} bytes of pickle`;
  },
  npy: async (bytes: Uint8Array) => `shape [${readNpy(bytes).shape.join(', ')}]`,
  png: async (bytes: Uint8Array) => `record of seed ${readSampleRecord(bytes).seed}`,
  record: async (bytes: Uint8Array) =>
    `record of seed ${parseSampleRecord(new TextDecoder().decode(bytes), RECORD_ARCH).seed}`,
} as const;

export type ReaderKind = keyof typeof READERS;
