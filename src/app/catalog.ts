/**
 * Models offered by name, each with where it really lives. The bundled default ships with the app.
 * DeepMind's BigGAN-deep (ported by huggingface/pytorch-pretrained-BigGAN) has mirrors that the
 * page probes and tries in order. The original BigGAN (TF Hub's biggan-{128,256,512}/2, as ivclab
 * converted it) and BigGAN-PyTorch's own G_ema.pth live where a browser may not fetch them (GitHub
 * release assets and a Google Drive zip send no CORS header): their entries say where to get the
 * file and which file to drop. Every address carries what we know of it and how we know it; the
 * README's "Where each released model lives" gives the same evidence.
 */
import { DEFAULT_HUB, isHubRef, parseHubRef, resolveUrl } from '../core/hub/hub_ref';

/** A place the page can download a checkpoint (+ config.json) from. */
export type MirrorSpec =
  /** Files of a Hub repository, addressed through the configured Hub. */
  | { kind: 'hub'; repo: string; checkpoint: string; config?: string; evidence: string; verified: boolean }
  /** Fixed addresses. */
  | { kind: 'url'; label: string; checkpoint: string; config?: string; evidence: string; verified: boolean };

/** Where to get a file that the page cannot fetch itself. */
export interface ManualSource {
  /** The page to download from. */
  page: string;
  pageLabel: string;
  /** The file to drop on the page, and how to get it from what the page offers. */
  file: string;
  steps: string;
  why: string;
}

export interface CatalogEntry {
  id: string;
  label: string;
  description: string;
  /** The bundled model's model.json. */
  url?: string;
  /** Download size, for the picker. */
  sizeHint: string;
  /** Keep the converted model in IndexedDB under this key. */
  cacheKey?: string;
  mirrors?: readonly MirrorSpec[];
  manual?: ManualSource;
}

export interface Mirror {
  label: string;
  checkpoint: string;
  config?: string;
  evidence: string;
  verified: boolean;
}

export function mirrorOf(spec: MirrorSpec, hub: string): Mirror {
  if (spec.kind === 'url') return spec;
  const ref = { repo: spec.repo, revision: 'main' };
  return {
    label: `Hugging Face: ${spec.repo}`,
    checkpoint: resolveUrl(hub, ref, spec.checkpoint),
    ...(spec.config ? { config: resolveUrl(hub, ref, spec.config) } : {}),
    evidence: spec.evidence,
    verified: spec.verified,
  };
}

const S3 = 'https://s3.amazonaws.com/models.huggingface.co/biggan';
const S3_EVIDENCE =
  "The download address in huggingface/pytorch-pretrained-BigGAN's PRETRAINED_MODEL_ARCHIVE_MAP (and in the many projects that copy it). Not checked from here: the probe decides.";

function s3Mirror(res: number): MirrorSpec {
  return {
    kind: 'url',
    label: 'pytorch-pretrained-BigGAN (Amazon S3)',
    checkpoint: `${S3}/biggan-deep-${res}-pytorch_model.bin`,
    config: `${S3}/biggan-deep-${res}-config.json`,
    evidence: S3_EVIDENCE,
    verified: false,
  };
}

function deep(res: 128 | 256 | 512, size: string, mirrors: MirrorSpec[]): CatalogEntry {
  return {
    id: `biggan-deep-${res}`,
    label: `BigGAN-deep ${res}px · ImageNet`,
    description: `DeepMind's released BigGAN-deep, ${res}x${res}, 1000 ImageNet classes. Downloaded once (${size}), converted in your browser, then kept offline.`,
    sizeHint: size,
    cacheKey: `biggan-deep-${res}`,
    mirrors,
  };
}

const IVCLAB = 'https://github.com/ivclab/BigGAN-Generator-Pretrained-Pytorch/releases/tag/v0.0.0';

function tfhub(res: 128 | 256 | 512, size: string): CatalogEntry {
  return {
    id: `biggan-${res}`,
    label: `BigGAN ${res}px · ImageNet (TF Hub release)`,
    description: `The paper's BigGAN (hierarchical latent), DeepMind's TF Hub biggan-${res}/2, ${res}x${res}, 1000 ImageNet classes (${size}).`,
    sizeHint: size,
    manual: {
      page: IVCLAB,
      pageLabel: 'ivclab/BigGAN-Generator-Pretrained-Pytorch, release v0.0.0',
      file: `biggan${res}-release.pt`,
      steps: `Download biggan${res}-release.pt from the release's assets, then drop it on the page (no config.json needed).`,
      why: 'GitHub release downloads send no CORS header, so this page may not fetch them itself.',
    },
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
  deep(128, '211 MB', [
    {
      kind: 'hub',
      repo: 'osanseviero/BigGAN-deep-128',
      checkpoint: 'pytorch_model.bin',
      config: 'config.json',
      evidence:
        "A public Hub repository: gradio's tests and huggingface.js's widget examples load it as their text-to-image example.",
      verified: true,
    },
    s3Mirror(128),
  ]),
  deep(256, '234 MB', [s3Mirror(256)]),
  deep(512, '236 MB', [s3Mirror(512)]),
  tfhub(128, '~285 MB'),
  tfhub(256, '~333 MB'),
  tfhub(512, '~334 MB'),
  {
    id: 'biggan-pytorch-128',
    label: 'BigGAN 128px · ImageNet (BigGAN-PyTorch G_ema.pth)',
    description:
      "Andrew Brock's BigGAN-PyTorch reimplementation, trained 138k iterations (ch 96, batch 256x8), 128x128, 1000 ImageNet classes (282 MB).",
    sizeHint: '282 MB',
    manual: {
      page: 'https://drive.google.com/file/d/1nAle7FCVFZdix2--ks0r5JBkFnKw8ctW/view',
      pageLabel: 'Google Drive: BigGAN_ch96_bs256x8_138k.zip (linked from ajbrock/BigGAN-PyTorch)',
      file: 'G_ema.pth',
      steps:
        'Download BigGAN_ch96_bs256x8_138k.zip, unzip it, and drop 138k/G_ema.pth on the page (no config.json needed).',
      why: 'Google Drive serves the file as a zip behind a confirmation page, with no CORS header.',
    },
  },
];

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id);
}

export function entryMirrors(entry: CatalogEntry, hub: string = DEFAULT_HUB): Mirror[] {
  return (entry.mirrors ?? []).map((m) => mirrorOf(m, hub));
}

/** A URL-ish model reference (absolute, or a path on this site). */
export function isModelUrl(ref: string): boolean {
  return /^https?:\/\//i.test(ref) || ref.startsWith('/') || ref.startsWith('./') || ref.startsWith('../');
}

/** A reference the page can try to load: a catalog id, a URL, or a well-formed `hf:` reference. */
export function isModelRef(ref: string): boolean {
  if (catalogEntry(ref) || isModelUrl(ref)) return true;
  if (!isHubRef(ref)) return false;
  try {
    parseHubRef(ref);
    return true;
  } catch {
    return false;
  }
}

/** "https://host/a/b/model.json" -> "b/model.json", for lists. */
export function shortModelName(ref: string): string {
  if (isHubRef(ref)) return ref;
  try {
    const parts = new URL(ref, 'http://x').pathname.split('/').filter(Boolean);
    return parts.slice(-2).join('/') || ref;
  } catch {
    return ref;
  }
}
