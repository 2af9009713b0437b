/**
 * The `biggan` command as a user runs it: convert the fixture checkpoints (both containers, both
 * families, and a released-like file of non-contiguous views), describe them, sample them to .npy
 * and PNG, and fail cleanly on bad files.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { GifReader } from 'omggif';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../src/core/io/npy';
import {
  caseNames,
  fixturePath,
  maxAbsDiff,
  nchwToNhwc,
  readCase,
  readFixtureNpy,
  readRawTensors,
} from './helpers/fixtures';
import { biggan } from './helpers/cli';
import { releasedLikeSpec } from './helpers/released_like';
import { writeLegacy } from './helpers/torch_writer';

const tmp = mkdtempSync(join(tmpdir(), 'biggan-cli-'));
const models = {
  deepLegacy: join(tmp, 'deep-legacy'),
  deepZip: join(tmp, 'deep-zip'),
  biggan: join(tmp, 'biggan'),
  tfhubLegacy: join(tmp, 'tfhub-legacy'),
  tfhubZip: join(tmp, 'tfhub-zip'),
};

describe('biggan convert and info', () => {
  beforeAll(async () => {
    const deepConfig = fixturePath('biggan-deep', 'config.json');
    const results = await Promise.all([
      biggan(
        'convert',
        fixturePath('biggan-deep', 'pytorch_model.legacy.bin'),
        '--config',
        deepConfig,
        '--out',
        models.deepLegacy,
      ),
      biggan(
        'convert',
        fixturePath('biggan-deep', 'pytorch_model.zip.bin'),
        '--config',
        deepConfig,
        '--out',
        models.deepZip,
      ),
    ]);
    results.push(await biggan('convert', fixturePath('biggan', 'G.zip.pth'), '--out', models.biggan));
    results.push(
      await biggan('convert', fixturePath('biggan-tfhub', 'biggan128-release.legacy.pt'), '--out', models.tfhubLegacy),
    );
    results.push(
      await biggan('convert', fixturePath('biggan-tfhub', 'biggan128-release.zip.pt'), '--out', models.tfhubZip),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
  });

  it('writes models that info describes correctly', async () => {
    for (const [dir, family] of [
      [models.deepLegacy, 'BigGAN-deep'],
      [models.deepZip, 'BigGAN-deep'],
      [models.biggan, 'BigGAN (hierarchical latent)'],
      [models.tfhubLegacy, 'BigGAN, TF Hub release'],
      [models.tfhubZip, 'BigGAN, TF Hub release'],
    ]) {
      const r = await biggan('info', join(dir, 'model.json'));
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain(`family:      ${family}`);
      expect(r.stdout).toContain('resolution:  128x128');
      expect(r.stdout).toContain('problems:    none');
    }
  });

  it('gives the same model from the legacy and the zip container', () => {
    const shards = (d: string) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.bin'))
        .sort()
        .map((f) => readFileSync(join(d, f)));
    expect(Buffer.concat(shards(models.deepLegacy)).equals(Buffer.concat(shards(models.deepZip)))).toBe(true);
    expect(Buffer.concat(shards(models.tfhubLegacy)).equals(Buffer.concat(shards(models.tfhubZip)))).toBe(true);
  });

  it('names the TF Hub layout of a raw release file and reads its latent split off the shapes', async () => {
    const r = await biggan('info', fixturePath('biggan-tfhub', 'biggan128-release.zip.pt'));
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('family:      BigGAN, TF Hub release');
    expect(r.stdout).toMatch(/z: +120 in 6 chunks of 20, class embedding 128 \(chunk first\)/);
    expect(r.stdout).toMatch(/attention at 64 px/);
    expect(r.stdout).toMatch(/eps 0.0001, 50 standing-statistic rows/);
    expect(r.stdout).toContain('problems:    none');
  });

  it('converts a released-like file of non-contiguous views to the same weights', async () => {
    const file = join(tmp, 'released_like.bin');
    writeFileSync(file, writeLegacy(releasedLikeSpec(readRawTensors('biggan-deep', 'state_dict'))));
    const out = join(tmp, 'deep-strided');
    const r = await biggan('convert', file, '--config', fixturePath('biggan-deep', 'config.json'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).modelTopology.contentHash;
    const b = JSON.parse(readFileSync(join(models.deepLegacy, 'model.json'), 'utf8')).modelTopology.contentHash;
    expect(a).toBe(b);
  });

  it('describes a raw checkpoint too', async () => {
    const r = await biggan('info', fixturePath('biggan', 'G.legacy.pth'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/torch-legacy/);
    expect(r.stdout).toMatch(/z: +120 in 6 chunks of 20/);
  });
});

describe('biggan sample', () => {
  it.each([
    ...caseNames('biggan-deep').map((c) => ['biggan-deep', c] as const),
    ...caseNames('biggan').map((c) => ['biggan', c] as const),
    ...caseNames('biggan-tfhub').map((c) => ['biggan-tfhub', c] as const),
  ])('%s %s: --z/--class-vector --out-npy writes what the reference wrote', async (family, name) => {
    const out = join(tmp, `${family}-${name}.npy`);
    const dir = { biggan: models.biggan, 'biggan-deep': models.deepZip, 'biggan-tfhub': models.tfhubLegacy }[family];
    const t = family === 'biggan' ? [] : ['--truncation', String(readCase(family, name).truncation)];
    const r = await biggan(
      'sample',
      '--model',
      dir,
      '--z',
      fixturePath(family, 'cases', name, 'z.npy'),
      '--class-vector',
      fixturePath(family, 'cases', name, 'class.npy'),
      ...t,
      '--out-npy',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const got = readNpy(readFileSync(out));
    expect(got.shape).toEqual([1, 128, 128, 3]);
    expect(maxAbsDiff(got.data, nchwToNhwc(readFixtureNpy(family, 'cases', name, 'out_nchw.npy')))).toBeLessThan(1e-4);
  });

  it('writes a PNG of the right size for a named class, identical on every run', async () => {
    const a = join(tmp, 'a.png');
    const b = join(tmp, 'b.png');
    for (const out of [a, b]) {
      const r = await biggan(
        'sample',
        '--model',
        models.deepZip,
        '--class',
        'golden retriever',
        '--seed',
        '3',
        '--out',
        out,
      );
      expect(r.code, r.stderr).toBe(0);
    }
    const png = decode(readFileSync(a));
    expect([png.width, png.height, png.channels]).toEqual([128, 128, 3]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(JSON.parse(png.text.biggan)).toMatchObject({ seed: 3, classes: [{ index: 207, weight: 1 }] });
  });

  it('samples the TF Hub layout by class name: a PNG whose record names the family', async () => {
    const out = join(tmp, 'tfhub.png');
    const r = await biggan(
      'sample',
      '--model',
      models.tfhubZip,
      '--class',
      'golden retriever',
      '--truncation',
      '0.41',
      '--seed',
      '5',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const png = decode(readFileSync(out));
    expect([png.width, png.height, png.channels]).toEqual([128, 128, 3]);
    expect(JSON.parse(png.text.biggan)).toMatchObject({
      seed: 5,
      truncation: 0.41,
      model: { family: 'biggan-tfhub', resolution: 128 },
    });
    expect(new Set(png.data).size).toBeGreaterThan(16);
  });

  it('writes a grid of a blend', async () => {
    const out = join(tmp, 'grid.png');
    const r = await biggan(
      'sample',
      '--model',
      models.biggan,
      '--class',
      '207:0.7,933:0.3',
      '--batch',
      '4',
      '--grid',
      '--truncation',
      '0.5',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const png = decode(readFileSync(out));
    expect([png.width, png.height]).toEqual([2 * 128 + 2, 2 * 128 + 2]);
  });

  it('restores a sample from its PNG (--from) and interpolates two PNGs to a GIF', async () => {
    const a = join(tmp, 'from-a.png');
    const b = join(tmp, 'from-b.png');
    expect(
      (
        await biggan(
          'sample',
          '--model',
          models.biggan,
          '--class',
          '207',
          '--seed',
          '5',
          '--truncation',
          '0.7',
          '--out',
          a,
        )
      ).code,
    ).toBe(0);
    expect((await biggan('sample', '--model', models.biggan, '--class', '933', '--seed', '6', '--out', b)).code).toBe(
      0,
    );
    const again = join(tmp, 'from-a-again.png');
    const r = await biggan('sample', '--model', models.biggan, '--from', a, '--out', again);
    expect(r.code, r.stderr).toBe(0);
    expect(decode(readFileSync(again)).data).toEqual(decode(readFileSync(a)).data);
    const gif = join(tmp, 'walk.gif');
    const i = await biggan(
      'interpolate',
      '--model',
      models.biggan,
      '--from',
      a,
      '--to',
      b,
      '--steps',
      '6',
      '--out',
      gif,
    );
    expect(i.code, i.stderr).toBe(0);
    const reader = new GifReader(readFileSync(gif));
    expect([reader.numFrames(), reader.width, reader.height]).toEqual([6, 128, 128]);
    const missing = await biggan('sample', '--from', a, '--out', join(tmp, 'x.png'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/made with model 'biggan'.*give that model with --model/);
  });

  it('explains bad settings', async () => {
    const bad = await biggan(
      'sample',
      '--model',
      models.biggan,
      '--class',
      'no such animal',
      '--out',
      join(tmp, 'x.png'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no such animal/);
    const t = await biggan('sample', '--model', models.biggan, '--truncation', '3', '--out', join(tmp, 'x.png'));
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/Truncation must be between 0.02 and 1/);
  });
});

describe('bad checkpoints on the command line', () => {
  const cases: [string, Uint8Array | Buffer][] = [
    ['empty', new Uint8Array(0)],
    ['random', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
    ['truncated', readFileSync(fixturePath('biggan-deep', 'pytorch_model.legacy.bin')).subarray(0, 100_000)],
  ];
  it.each(cases)('%s file: a clear message, exit 1, no output folder', async (name, bytes) => {
    const file = join(tmp, `${name}.bin`);
    writeFileSync(file, bytes);
    const out = join(tmp, `out-${name}`);
    const r = await biggan('convert', file, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^biggan convert: .{20,}/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).some((f) => f.startsWith(`out-${name}.tmp`))).toBe(false);
  });

  it('refuses a config that does not match, writing nothing', async () => {
    const config = join(tmp, 'wrong-config.json');
    writeFileSync(
      config,
      JSON.stringify({ ...JSON.parse(readFileSync(fixturePath('biggan-deep', 'config.json'), 'utf8')), z_dim: 120 }),
    );
    const out = join(tmp, 'out-wrong-config');
    const r = await biggan(
      'convert',
      fixturePath('biggan-deep', 'pytorch_model.zip.bin'),
      '--config',
      config,
      '--out',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/z_dim = 120/);
    expect(existsSync(out)).toBe(false);
  });
});
