/**
 * Hub references and downloads in Node, against the local Hub (tests/browser/helpers/hub_server):
 * `hf:` parsing, picking the checkpoint among a repository's files, the API's file list and
 * search, resumable downloads (a cut mid-body, no Range, no Content-Length, HTML instead of the
 * file, 404), and `biggan convert hf:owner/repo` end to end on the BigGAN-deep fixture.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '../src/core/errors';
import { biggan, bigganWith } from './helpers/cli';
import { resolveHubModel, searchHub } from '../src/core/hub/hub_api';
import { formatHubRef, parseHubRef, pickCheckpoint } from '../src/core/hub/hub_ref';
import { downloadBytes } from '../src/worker/download';
import { HttpError, NetworkError } from '../src/worker/errors';
import { startHubServer, type HubServer } from './browser/helpers/hub_server';
import { fixturePath } from './helpers/fixtures';

const checkpoint = new Uint8Array(readFileSync(fixturePath('biggan-deep', 'pytorch_model.zip.bin')));
const config = new Uint8Array(readFileSync(fixturePath('biggan-deep', 'config.json')));
const fetchFn = (url: string, init?: RequestInit) => fetch(url, init);

describe('hf: references', () => {
  it('parses owner/repo and an optional revision, and refuses anything else', () => {
    expect(parseHubRef('hf:osanseviero/BigGAN-deep-128')).toEqual({
      repo: 'osanseviero/BigGAN-deep-128',
      revision: 'main',
    });
    expect(parseHubRef('hf:a/b@v1.0')).toEqual({ repo: 'a/b', revision: 'v1.0' });
    expect(formatHubRef(parseHubRef('hf:a/b@main'))).toBe('hf:a/b');
    for (const bad of [
      'hf:',
      'hf:nobody',
      'hf:a/b/c',
      'hf:../x',
      'hf:a/b@',
      'hf:a/b@x/../y',
      'osanseviero/BigGAN-deep-128',
      'hf:a b/c',
    ]) {
      expect(() => parseHubRef(bad), bad).toThrow(/not a Hub reference/);
    }
  });

  it('picks the checkpoint of each layout we read, and its config.json', () => {
    const files = (...paths: string[]) => paths.map((path) => ({ path }));
    expect(pickCheckpoint(files('README.md', 'config.json', 'pytorch_model.bin'))).toMatchObject({
      checkpoint: { path: 'pytorch_model.bin' },
      config: { path: 'config.json' },
      layout: 'biggan-deep',
    });
    expect(pickCheckpoint(files('biggan256-release.pt'))).toMatchObject({
      checkpoint: { path: 'biggan256-release.pt' },
      layout: 'tfhub-biggan',
    });
    expect(pickCheckpoint(files('weights/138k/G_ema.pth', 'weights/138k/config.json'))).toMatchObject({
      checkpoint: { path: 'weights/138k/G_ema.pth' },
      config: { path: 'weights/138k/config.json' },
    });
    expect(pickCheckpoint(files('model.safetensors'))?.layout).toBe('safetensors');
    // The top-level file wins over a copy in a folder.
    expect(pickCheckpoint(files('old/pytorch_model.bin', 'pytorch_model.bin'))?.checkpoint.path).toBe(
      'pytorch_model.bin',
    );
    expect(pickCheckpoint(files('README.md', 'tf_model.h5', 'G.pth'))).toBeNull();
  });
});

describe('the Hub API and downloads, against the local Hub', () => {
  let hub: HubServer;
  let out: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'biggan-hub-test-'));
    hub = await startHubServer({
      'someone/BigGAN-deep-fixture': {
        files: {
          'pytorch_model.bin': { bytes: checkpoint, cutAfter: 3_000_000 },
          'config.json': { bytes: config },
          'README.md': { bytes: new TextEncoder().encode('# hi') },
        },
      },
      'someone/biggan-nothing-here': { files: { 'tf_model.h5': { bytes: new Uint8Array(10) } } },
      'someone/bert-base': { files: { 'pytorch_model.bin': { bytes: new Uint8Array(10) } } },
      'flaky/files': {
        files: {
          'norange.bin': { bytes: checkpoint.subarray(0, 500_000), cutAfter: 200_000, noRange: true },
          'nolength.bin': { bytes: checkpoint.subarray(0, 500_000), noLength: true },
          'login.bin': { bytes: checkpoint, html: true },
          'gone.bin': { bytes: checkpoint, missing: true },
          'always-cut.bin': { bytes: checkpoint.subarray(0, 500_000), cutAfter: 100_000, cuts: 99 },
        },
      },
    });
  });

  afterAll(async () => {
    await hub?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('resolves a repository to its checkpoint and config.json addresses, with sizes', async () => {
    const r = await resolveHubModel(hub.origin, parseHubRef('hf:someone/BigGAN-deep-fixture'), fetchFn);
    expect(r.checkpointUrl).toBe(`${hub.origin}/someone/BigGAN-deep-fixture/resolve/main/pytorch_model.bin`);
    expect(r.configUrl).toBe(`${hub.origin}/someone/BigGAN-deep-fixture/resolve/main/config.json`);
    expect(r.choice.checkpoint.size).toBe(checkpoint.length);
  });

  it('says plainly when a repository is missing, or holds no checkpoint', async () => {
    await expect(resolveHubModel(hub.origin, parseHubRef('hf:nobody/missing'), fetchFn)).rejects.toThrow(
      /no public repository hf:nobody\/missing \(HTTP 401\)/,
    );
    await expect(
      resolveHubModel(hub.origin, parseHubRef('hf:someone/BigGAN-deep-fixture@v9'), fetchFn),
    ).rejects.toThrow(HubError);
    await expect(resolveHubModel(hub.origin, parseHubRef('hf:someone/biggan-nothing-here'), fetchFn)).rejects.toThrow(
      /holds no checkpoint we read.*tf_model\.h5/,
    );
  });

  it('searches the Hub and keeps only repositories with a checkpoint we read', async () => {
    const hits = await searchHub(hub.origin, 'biggan', fetchFn);
    expect(hits.map((h) => h.repo)).toEqual(['someone/BigGAN-deep-fixture']);
    expect(await searchHub(hub.origin, 'no-such-thing', fetchFn)).toEqual([]);
  });

  it('resumes with a Range request after the connection drops mid-body, through the redirect', async () => {
    const seen: number[] = [];
    const bytes = await downloadBytes(`${hub.origin}/someone/BigGAN-deep-fixture/resolve/main/pytorch_model.bin`, {
      retryDelayMs: 10,
      onProgress: (p) => seen.push(p.resumes),
    });
    expect(bytes.length).toBe(checkpoint.length);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(checkpoint))).toBe(0);
    expect(Math.max(...seen)).toBe(1);
    const ranged = hub.requests.filter(
      (r) => r.origin === 'storage' && r.path.endsWith('/pytorch_model.bin') && r.range,
    );
    expect(ranged.length).toBe(1);
    // It resumes where its bytes ended: past 0, not past the cut (a reset drops what was still in flight).
    const from = Number(/bytes=(\d+)-/.exec(ranged[0].range!)![1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(3_000_000);
  });

  it('starts over when the server ignores Range, and reads a body without Content-Length', async () => {
    const a = await downloadBytes(`${hub.origin}/flaky/files/resolve/main/norange.bin`, { retryDelayMs: 10 });
    expect(Buffer.compare(Buffer.from(a), Buffer.from(checkpoint.subarray(0, 500_000)))).toBe(0);
    const b = await downloadBytes(`${hub.origin}/flaky/files/resolve/main/nolength.bin`);
    expect(b.length).toBe(500_000);
  });

  it('names an HTML page served instead of the file, a 404, and a connection that keeps dropping', async () => {
    await expect(downloadBytes(`${hub.origin}/flaky/files/resolve/main/login.bin`)).rejects.toThrow(
      /sent a web page \(HTML\) instead of the file/,
    );
    const gone = downloadBytes(`${hub.origin}/flaky/files/resolve/main/gone.bin`);
    await expect(gone).rejects.toThrow(HttpError);
    await expect(downloadBytes(`${hub.origin}/flaky/files/resolve/main/gone.bin`)).rejects.toThrow(
      /HTTP 404.*no file at this address/,
    );
    await expect(
      downloadBytes(`${hub.origin}/flaky/files/resolve/main/always-cut.bin`, { retryDelayMs: 1, maxResumes: 2 }),
    ).rejects.toThrow(NetworkError);
  });

  it('cancels a download', async () => {
    const ctrl = new AbortController();
    const p = downloadBytes(`${hub.origin}/someone/BigGAN-deep-fixture/resolve/main/config.json`, {
      signal: ctrl.signal,
    });
    ctrl.abort();
    await expect(p).rejects.toThrow(/cancelled/i);
  });

  it('biggan convert hf:owner/repo downloads, converts and writes the model', async () => {
    const dir = join(out, 'deep');
    const converted = await biggan('convert', 'hf:someone/BigGAN-deep-fixture', '--out', dir, '--hub', hub.origin);
    expect(converted.code).toBe(0);
    const { stdout } = converted;
    expect(stdout).toMatch(/wrote .*model\.json/);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { architecture: { family: string } };
    };
    expect(json.modelTopology.architecture.family).toBe('biggan-deep');
    const missing = await bigganWith(
      { env: { BIGGAN_HUB: hub.origin } },
      'convert',
      'hf:nobody/missing',
      '--out',
      join(out, 'x'),
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no public repository hf:nobody\/missing/);
  });
});
