/**
 * `hf:owner/repo[@revision]` on the command line: resolved through the Hub API (the Hub address
 * from --hub or BIGGAN_HUB), its checkpoint and config.json downloaded into a temporary folder
 * with the same resumable downloader the page uses.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveHubModel, type Fetch } from '../core/hub/hub_api';
import { DEFAULT_HUB, formatHubRef, parseHubRef } from '../core/hub/hub_ref';
import { downloadBytes, downloadText, unreachableError } from '../worker/download';
import { formatBytes, ProgressBar } from './progress_bar';

export interface DownloadedHubModel {
  /** What the model is called: the normalised reference. */
  id: string;
  checkpointPath: string;
  checkpointName: string;
  configPath?: string;
  /** Removes the temporary folder. */
  cleanup(): Promise<void>;
}

const nodeFetch: Fetch = async (url, init) => {
  try {
    return await fetch(url, init);
  } catch {
    throw unreachableError(url);
  }
};

export function hubAddress(flag?: string): string {
  return flag ?? process.env.BIGGAN_HUB ?? DEFAULT_HUB;
}

export async function downloadHubModel(ref: string, hub: string): Promise<DownloadedHubModel> {
  const hubRef = parseHubRef(ref);
  const resolved = await resolveHubModel(hub, hubRef, nodeFetch);
  const dir = await mkdtemp(join(tmpdir(), 'biggan-hub-'));
  try {
    const name = resolved.choice.checkpoint.path.split('/').pop()!;
    const bar = new ProgressBar('download');
    const bytes = await downloadBytes(resolved.checkpointUrl, {
      onProgress: (p) =>
        bar.update(
          p.loaded,
          p.total,
          `${formatBytes(p.loaded)}${p.rate ? ` ${formatBytes(p.rate)}/s` : ''}${p.resumes ? `, resumed ${p.resumes}x` : ''}`,
        ),
    });
    bar.done(`${name}, ${formatBytes(bytes.length)} from ${formatHubRef(hubRef)}`);
    const checkpointPath = join(dir, name);
    await writeFile(checkpointPath, bytes);
    let configPath: string | undefined;
    if (resolved.configUrl) {
      configPath = join(dir, 'config.json');
      await writeFile(configPath, await downloadText(resolved.configUrl));
    }
    return {
      id: formatHubRef(hubRef),
      checkpointPath,
      checkpointName: name,
      configPath,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
