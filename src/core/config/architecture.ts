/**
 * Our description of a generator, stored in model.json. It is complete: the generators build
 * themselves from it alone, whatever the source checkpoint's own config looked like.
 */

export type Family = 'biggan-deep' | 'biggan';

/** One GenBlock of BigGAN-deep (Brock et al. 2019, appendix B, Fig. 16 right). */
export interface DeepLayer {
  upsample: boolean;
  inChannels: number;
  outChannels: number;
}

/** BigGAN-deep as ported from TF Hub by huggingface/pytorch-pretrained-BigGAN. */
export interface BigGanDeepArchitecture {
  family: 'biggan-deep';
  resolution: number;
  zDim: number;
  classEmbedDim: number;
  numClasses: number;
  channelWidth: number;
  layers: DeepLayer[];
  /** Model index at which the self-attention block sits (config layer i < p is model index i). */
  attentionPosition: number;
  /** Batch-norm epsilon. */
  eps: number;
  /** Rows of the per-truncation batch-norm statistic tables. */
  nStats: number;
}

/** One GBlock of the original BigGAN (Brock et al. 2019, appendix B, Fig. 15). */
export interface BigGanBlock {
  inChannels: number;
  outChannels: number;
  /** A self-attention layer follows this block. */
  attention: boolean;
}

/** The hierarchical-latent BigGAN of ajbrock/BigGAN-PyTorch (and its TF Hub converter). */
export interface BigGanArchitecture {
  family: 'biggan';
  resolution: number;
  dimZ: number;
  /** z is split into blocks.length + 1 chunks of this size. */
  chunkSize: number;
  sharedDim: number;
  numClasses: number;
  bottomWidth: number;
  /** G_ch when a config gave it; else the last block's width (G_ch for 128-512 px models). For display. */
  channelWidth: number;
  blocks: BigGanBlock[];
  bnEps: number;
  /** Only used when folding spectral norm at import; recorded for provenance. */
  snEps: number;
}

export type Architecture = BigGanDeepArchitecture | BigGanArchitecture;

/**
 * The latent slots a user can lock or resample: the first linear layer, then one per block.
 * BigGAN splits z into these chunks; BigGAN-deep feeds all of z everywhere, so there a slot is a
 * whole z of its own for that layer.
 */
export function latentSlots(arch: Architecture): string[] {
  if (arch.family === 'biggan') {
    return ['linear (4x4)', ...arch.blocks.map((_, i) => `block ${i} (${blockResolution(arch, i)}px)`)];
  }
  return ['gen_z (4x4)', ...deepLayerNames(arch)];
}

function blockResolution(arch: BigGanArchitecture, i: number): number {
  return arch.bottomWidth * 2 ** (i + 1);
}

function deepLayerNames(arch: BigGanDeepArchitecture): string[] {
  let res = 4;
  return arch.layers.map((l, i) => {
    if (l.upsample) res *= 2;
    return `block ${i} (${res}px)`;
  });
}

export function zDimOf(arch: Architecture): number {
  return arch.family === 'biggan' ? arch.dimZ : arch.zDim;
}
