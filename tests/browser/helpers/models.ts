/** Fixture models for the browser tests: converted into a temp folder that the static server serves. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeFixture } from '../../helpers/models';

export async function writeFixtureModel(family: 'biggan-deep' | 'biggan', dir: string): Promise<void> {
  const model = await serializeFixture(family);
  mkdirSync(dir, { recursive: true });
  for (const s of model.shards) writeFileSync(join(dir, s.path), s.bytes);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model.modelJson));
}

/** A temp folder with deep/ (BigGAN-deep fixture, 1000 classes) and biggan/ converted, and a corrupt file. */
export async function prepareModelDir(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'biggan-models-'));
  await writeFixtureModel('biggan-deep', join(root, 'deep'));
  await writeFixtureModel('biggan', join(root, 'biggan'));
  const corrupt = new Uint8Array(4096);
  corrupt.set([0x50, 0x4b, 0x03, 0x04]); // a zip signature, then nothing sensible
  writeFileSync(join(root, 'corrupt.pth'), corrupt);
  return root;
}

export function copyInto(src: string, dir: string, name: string): string {
  const target = join(dir, name);
  copyFileSync(src, target);
  return target;
}
