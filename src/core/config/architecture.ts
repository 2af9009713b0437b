/**
 * Our description of a generator, stored in model.json. It is complete: the generators build
 * themselves from it alone, whatever the source checkpoint's own config looked like.
 */

export type Family = 'biggan-deep' | 'biggan' | 'biggan-tfhub';

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

/**
 * DeepMind's original BigGAN as released on TF Hub (`deepmind/biggan-{128,256,512}/2`), in
 * ivclab's PyTorch conversion. Hierarchical latent like BigGAN-PyTorch, but the z chunk comes before
 * the class embedding, the first layer writes NHWC and every batch norm keeps standing statistics
 * per truncation (docs/reference.md, "BigGAN as DeepMind released it on TF Hub").
 */
export interface BigGanTfHubArchitecture {
  family: 'biggan-tfhub';
  resolution: number;
  dimZ: number;
  /** z is split into blocks.length + 1 chunks of this size. */
  chunkSize: number;
  classEmbedDim: number;
  numClasses: number;
  /** ch: the last block's width; the first layer writes 16 * ch channels at 4x4. */
  channelWidth: number;
  blocks: BigGanBlock[];
  /** Batch-norm epsilon (1e-4 in the release). */
  eps: number;
  /** Rows of the standing-statistic tables; row i holds truncation (i + 1) / nStats. */
  nStats: number;
}

export type Architecture = BigGanDeepArchitecture | BigGanArchitecture | BigGanTfHubArchitecture;

/** Hierarchical families split z into one chunk per latent slot; BigGAN-deep gives each slot a whole z. */
export type HierarchicalArchitecture = BigGanArchitecture | BigGanTfHubArchitecture;

export function isHierarchical(arch: Architecture): arch is HierarchicalArchitecture {
  return arch.family !== 'biggan-deep';
}

/** BigGAN-deep and the TF Hub release keep batch-norm statistics per truncation; BigGAN-PyTorch's are fixed. */
export function truncationPicksStats(arch: Architecture): boolean {
  return arch.family !== 'biggan';
}

/** The family as people call it, for the page and `biggan info`. */
export function familyLabel(arch: Pick<Architecture, 'family'>): string {
  switch (arch.family) {
    case 'biggan-deep':
      return 'BigGAN-deep';
    case 'biggan':
      return 'BigGAN';
    case 'biggan-tfhub':
      return 'BigGAN, TF Hub release';
  }
}

/** Spatial width of block i's output: both hierarchical families start at 4x4 (BigGAN-PyTorch may not). */
function blockResolution(arch: HierarchicalArchitecture, i: number): number {
  return (arch.family === 'biggan' ? arch.bottomWidth : 4) * 2 ** (i + 1);
}

/**
 * The latent slots a user can lock or resample: the first linear layer, then one per block.
 * BigGAN splits z into these chunks; BigGAN-deep feeds all of z everywhere, so there a slot is a
 * whole z of its own for that layer.
 */
export function latentSlots(arch: Architecture): string[] {
  if (arch.family === 'biggan-deep') return ['gen_z (4x4)', ...deepLayerNames(arch)];
  const first = arch.family === 'biggan' ? 'linear' : 'g_z';
  return [`${first} (4x4)`, ...arch.blocks.map((_, i) => `block ${i} (${blockResolution(arch, i)}px)`)];
}

function deepLayerNames(arch: BigGanDeepArchitecture): string[] {
  let res = 4;
  return arch.layers.map((l, i) => {
    if (l.upsample) res *= 2;
    return `block ${i} (${res}px)`;
  });
}

export function zDimOf(arch: Architecture): number {
  return isHierarchical(arch) ? arch.dimZ : arch.zDim;
}
