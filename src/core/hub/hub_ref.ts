/**
 * `hf:owner/repo[@revision]` references to Hugging Face Hub repositories, and the choice of the
 * checkpoint (and config.json) among a repository's files for the layouts we read.
 */
import { SettingsError } from '../errors';

export interface HubRef {
  repo: string;
  revision: string;
}

export const DEFAULT_HUB = 'https://huggingface.co';

// The Hub's own rule for names: letters, digits, '-', '_', '.', not starting with '-' or '.'.
const NAME = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,95}';
const HF_REF = new RegExp(`^hf:(${NAME}/${NAME})(?:@([A-Za-z0-9_./-]{1,200}))?$`);

export function isHubRef(ref: string): boolean {
  return ref.startsWith('hf:');
}

export function parseHubRef(ref: string): HubRef {
  const m = HF_REF.exec(ref.trim());
  if (!m || m[1].includes('..') || (m[2] ?? '').includes('..')) {
    throw new SettingsError(`"${ref}" is not a Hub reference: write hf:owner/repo or hf:owner/repo@revision.`);
  }
  return { repo: m[1], revision: m[2] ?? 'main' };
}

export function formatHubRef(r: HubRef): string {
  return `hf:${r.repo}${r.revision === 'main' ? '' : `@${r.revision}`}`;
}

/** One file of a repository as the Hub lists it; size is unknown for some listings. */
export interface HubFile {
  path: string;
  size?: number;
}

export interface CheckpointChoice {
  checkpoint: HubFile;
  config?: HubFile;
  /** What the file name says the layout is. */
  layout: 'biggan-deep' | 'biggan' | 'tfhub-biggan' | 'safetensors';
}

const base = (path: string) => path.split('/').pop() ?? path;

/** Name patterns, best first: what each released layout is called. */
const CHECKPOINT_PATTERNS: { test: (name: string) => boolean; layout: CheckpointChoice['layout'] }[] = [
  { test: (n) => n === 'pytorch_model.bin', layout: 'biggan-deep' },
  { test: (n) => /-release\.pt$/i.test(n), layout: 'tfhub-biggan' },
  { test: (n) => n === 'G_ema.pth', layout: 'biggan' },
  { test: (n) => /\.safetensors$/i.test(n), layout: 'safetensors' },
];

/**
 * The checkpoint a repository holds, or null when none of its files has a name we read. Files at
 * the top level win over files in folders; config.json is taken from the checkpoint's folder.
 */
export function pickCheckpoint(files: readonly HubFile[]): CheckpointChoice | null {
  const depth = (f: HubFile) => f.path.split('/').length;
  const sorted = [...files].sort((a, b) => depth(a) - depth(b) || a.path.localeCompare(b.path));
  for (const { test, layout } of CHECKPOINT_PATTERNS) {
    const checkpoint = sorted.find((f) => test(base(f.path)));
    if (!checkpoint) continue;
    const folder = checkpoint.path.includes('/') ? checkpoint.path.slice(0, checkpoint.path.lastIndexOf('/') + 1) : '';
    const config = files.find((f) => f.path === `${folder}config.json`);
    return { checkpoint, config, layout };
  }
  return null;
}

/** Where the Hub serves a file (it answers with a redirect to its storage for large files). */
export function resolveUrl(hub: string, ref: HubRef, path: string): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${trimSlash(hub)}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${encoded}`;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
