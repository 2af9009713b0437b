/**
 * Models offered by name: the bundled default, served with the app, and DeepMind's released
 * BigGAN-deep weights as ported to PyTorch by huggingface/pytorch-pretrained-BigGAN, downloaded
 * from Hugging Face, converted in the worker and cached in IndexedDB.
 */
export interface CatalogEntry {
  id: string;
  label: string;
  description: string;
  /** model.json, or a raw checkpoint (then `config`). */
  url: string;
  config?: string;
  /** Download size, for the picker. */
  sizeHint: string;
  /** Keep the converted model in IndexedDB under this key. */
  cacheKey?: string;
}

const HF = 'https://huggingface.co';

function released(res: 128 | 256 | 512, size: string): CatalogEntry {
  const repo = `${HF}/osanseviero/BigGAN-deep-${res}/resolve/main`;
  return {
    id: `biggan-deep-${res}`,
    label: `BigGAN-deep ${res}px · ImageNet`,
    description: `DeepMind's released BigGAN-deep, ${res}x${res}, 1000 ImageNet classes. Downloaded once (${size}), converted in your browser, then kept offline.`,
    url: `${repo}/pytorch_model.bin`,
    config: `${repo}/config.json`,
    sizeHint: size,
    cacheKey: `biggan-deep-${res}`,
  };
}

export const DEFAULT_MODEL_ID = 'fashion-mnist-biggan-32';

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: DEFAULT_MODEL_ID,
    label: 'Fashion-MNIST 32px (bundled)',
    description: 'Our small BigGAN trained on Fashion-MNIST: 10 clothing classes, 32x32. Ships with the app.',
    url: `${import.meta.env.BASE_URL}models/fashion-mnist-biggan-32/model.json`,
    sizeHint: 'bundled',
  },
  released(128, '~200 MB'),
  released(256, '~220 MB'),
  released(512, '~225 MB'),
];

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id);
}

/** A URL-ish model reference (absolute, or a path on this site). */
export function isModelUrl(ref: string): boolean {
  return /^https?:\/\//i.test(ref) || ref.startsWith('/') || ref.startsWith('./') || ref.startsWith('../');
}

/** "https://host/a/b/model.json" -> "b/model.json", for lists. */
export function shortModelName(ref: string): string {
  try {
    const parts = new URL(ref, 'http://x').pathname.split('/').filter(Boolean);
    return parts.slice(-2).join('/') || ref;
  } catch {
    return ref;
  }
}
