/** Display text for sizes, times and load progress. */
import type { LoadPhase, LoadProgress } from '../worker/protocol';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

const PHASES: Record<LoadPhase, string> = {
  cache: 'Loading from this browser’s storage',
  download: 'Downloading',
  read: 'Reading checkpoint',
  convert: 'Converting weights',
  pack: 'Packing weights',
  save: 'Saving for offline use',
  upload: 'Uploading weights to the backend',
  compile: 'Compiling shaders',
};

const BYTE_PHASES: readonly LoadPhase[] = ['download', 'read'];

export function describeProgress(p: LoadProgress): { text: string; fraction: number | null } {
  const fraction = p.total > 0 ? Math.min(1, p.loaded / p.total) : null;
  let text = PHASES[p.phase];
  if (BYTE_PHASES.includes(p.phase)) {
    text += p.total > 0 ? ` ${formatBytes(p.loaded)} of ${formatBytes(p.total)}` : ` ${formatBytes(p.loaded)}`;
  }
  if (p.phase === 'compile' && p.total > 0) text += ` ${p.loaded} of ${p.total}`;
  if (fraction !== null) text += ` (${Math.floor(fraction * 100)}%)`;
  if (p.phase === 'download') text += downloadRate(p);
  return { text, fraction };
}

/** " · 4.1 MB/s · about 45 s left · resumed after 1 dropped connection", as far as known. */
function downloadRate(p: LoadProgress): string {
  let text = '';
  if (p.rate && p.rate > 0) {
    text += ` · ${formatBytes(p.rate)}/s`;
    if (p.total > p.loaded) text += ` · about ${formatEta((p.total - p.loaded) / p.rate)} left`;
  }
  if (p.resumes) text += ` · resumed after ${p.resumes} dropped connection${p.resumes > 1 ? 's' : ''}`;
  return text;
}

export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
