/** Checks an architecture read from a model.json before anything is built from it. */
import { ModelFormatError } from '../errors';
import type { Architecture, HierarchicalArchitecture } from './architecture';

const MAX_CHANNELS = 1 << 14;

function int(v: unknown, name: string, max = MAX_CHANNELS): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) {
    throw new ModelFormatError(
      `model.json: architecture.${name} must be a whole number from 1 to ${max}; found ${JSON.stringify(v)}.`,
    );
  }
  return v as number;
}

function eps(v: unknown, name: string): void {
  if (typeof v !== 'number' || !(v > 0 && v < 1))
    throw new ModelFormatError(`model.json: architecture.${name} must be in (0, 1); found ${JSON.stringify(v)}.`);
}

export function validateArchitecture(a: Architecture): Architecture {
  int(a.resolution, 'resolution', 4096);
  int(a.numClasses, 'numClasses', 100_000);
  int(a.channelWidth, 'channelWidth');
  if (a.family === 'biggan-deep') {
    int(a.zDim, 'zDim', 4096);
    int(a.classEmbedDim, 'classEmbedDim', 4096);
    int(a.nStats, 'nStats', 1000);
    eps(a.eps, 'eps');
    if (!Array.isArray(a.layers) || a.layers.length === 0 || a.layers.length > 64)
      throw new ModelFormatError('model.json: architecture.layers must list 1 to 64 blocks.');
    a.layers.forEach((l, i) => {
      int(l.inChannels, `layers[${i}].inChannels`);
      int(l.outChannels, `layers[${i}].outChannels`);
      if (typeof l.upsample !== 'boolean')
        throw new ModelFormatError(`model.json: architecture.layers[${i}].upsample must be true or false.`);
    });
    if (!Number.isInteger(a.attentionPosition) || a.attentionPosition < 0 || a.attentionPosition > a.layers.length) {
      throw new ModelFormatError(
        `model.json: architecture.attentionPosition ${a.attentionPosition} is outside the ${a.layers.length + 1} model layers.`,
      );
    }
  } else {
    int(a.dimZ, 'dimZ', 4096);
    int(a.chunkSize, 'chunkSize', 4096);
    if (a.family === 'biggan') {
      int(a.sharedDim, 'sharedDim', 4096);
      int(a.bottomWidth, 'bottomWidth', 64);
      eps(a.bnEps, 'bnEps');
    } else {
      int(a.classEmbedDim, 'classEmbedDim', 4096);
      int(a.nStats, 'nStats', 1000);
      eps(a.eps, 'eps');
    }
    validateBlocks(a);
  }
  return a;
}

function validateBlocks(a: HierarchicalArchitecture): void {
  if (!Array.isArray(a.blocks) || a.blocks.length === 0 || a.blocks.length > 64)
    throw new ModelFormatError('model.json: architecture.blocks must list 1 to 64 blocks.');
  a.blocks.forEach((b, i) => {
    int(b.inChannels, `blocks[${i}].inChannels`);
    int(b.outChannels, `blocks[${i}].outChannels`);
    if (typeof b.attention !== 'boolean')
      throw new ModelFormatError(`model.json: architecture.blocks[${i}].attention must be true or false.`);
  });
  if (a.dimZ !== a.chunkSize * (a.blocks.length + 1)) {
    throw new ModelFormatError(
      `model.json: dimZ ${a.dimZ} is not chunkSize ${a.chunkSize} times ${a.blocks.length + 1} latent slots.`,
    );
  }
  if (a.family === 'biggan-tfhub') {
    // The generator chains the blocks and reads 16 * channelWidth channels off its first layer.
    const broken = a.blocks.findIndex(
      (b, i) => b.inChannels !== (i === 0 ? 16 * a.channelWidth : a.blocks[i - 1].outChannels),
    );
    if (broken >= 0)
      throw new ModelFormatError(
        `model.json: architecture.blocks[${broken}].inChannels does not follow from the layer before it.`,
      );
    if (a.resolution !== 4 * 2 ** a.blocks.length) {
      throw new ModelFormatError(
        `model.json: ${a.blocks.length} upsampling blocks from 4x4 make ${4 * 2 ** a.blocks.length} px, not ${a.resolution}.`,
      );
    }
  }
}
