/** Tells the BigGAN families apart by their keys, and says what a file is when it is none of them. */
import type { Family } from '../config/architecture';
import { ArchitectureError } from '../errors';

export function detectFamily(keys: readonly string[]): Family {
  const has = (k: string) => keys.includes(k);
  if (has('generator.gen_z.weight_orig') || has('embeddings.weight')) return 'biggan-deep';
  if (has('g_z.g_linear.weight_orig') || has('gblock.hyperbn.crossreplicabn.standing_means')) return 'biggan-tfhub';
  if (has('shared.weight') || has('linear.weight') || keys.some((k) => k.startsWith('blocks.0.0.conv1.')))
    return 'biggan';
  const looksLikeD =
    keys.some((k) => k.startsWith('embed.') || /^blocks\.\d+\.0\.conv1\./.test(k)) && has('linear.weight');
  const shown = keys
    .slice(0, 4)
    .map((k) => `'${k}'`)
    .join(', ');
  throw new ArchitectureError(
    keys.length === 0
      ? 'The checkpoint holds no tensors.'
      : `Not a BigGAN generator: its keys (${shown}${keys.length > 4 ? ', ...' : ''}) match none of ` +
          "BigGAN-deep ('generator.gen_z...', 'embeddings.weight'), BigGAN ('shared.weight', 'linear.weight', " +
          "'blocks.0.0...') and the TF Hub BigGAN release ('g_z.g_linear...', 'gblock.hyperbn...')." +
          `${looksLikeD ? ' It looks like a discriminator: load the generator (G_ema.pth).' : ''}`,
  );
}

/** Training scripts wrapped in DataParallel save keys under 'module.'; the weights are the same. */
export function stripModulePrefix(keys: readonly string[]): { keys: string[]; prefix: string } {
  const prefix = 'module.';
  if (keys.length > 0 && keys.every((k) => k.startsWith(prefix))) {
    return { keys: keys.map((k) => k.slice(prefix.length)), prefix };
  }
  return { keys: [...keys], prefix: '' };
}
