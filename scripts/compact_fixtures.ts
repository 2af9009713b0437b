/**
 * Writes tests/fixtures, the compact copy of the reference fixtures that lets a fresh clone test
 * without ../shared: per family one torch container (the legacy one), the config, the cases
 * without their activations, and sha256 digests in place of the raw tensor files. The full-size
 * key lists come along. tests/helpers/compact_fixtures.ts expands it back into the full layout.
 *
 *   npx tsx scripts/compact_fixtures.ts ../shared/fixtures ../shared/reference tests/fixtures
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPACT_CONTAINERS, type TensorDigests } from '../tests/helpers/compact_fixtures';

const [fixtures, reference, out] = process.argv.slice(2);
if (!fixtures || !reference || !out) throw new Error('usage: compact_fixtures.ts <fixtures> <reference> <out>');

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface RawIndex {
  tensors: Record<string, { offset_bytes: number; numel: number }>;
}

function digests(dir: string, name: string): TensorDigests {
  const bytes = readFileSync(join(dir, `${name}.f32`));
  const index = JSON.parse(readFileSync(join(dir, `${name}.index.json`), 'utf8')) as RawIndex;
  const tensors: Record<string, string> = {};
  for (const [key, t] of Object.entries(index.tensors)) {
    tensors[key] = sha256(bytes.subarray(t.offset_bytes, t.offset_bytes + t.numel * 4));
  }
  return { file: sha256(bytes), tensors };
}

rmSync(out, { recursive: true, force: true });
for (const [family, container] of Object.entries(COMPACT_CONTAINERS)) {
  const from = join(fixtures, family);
  const to = join(out, family);
  mkdirSync(join(to, 'tensors'), { recursive: true });
  for (const file of [container, 'config.json', 'fixture.json']) {
    try {
      cpSync(join(from, file), join(to, file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || file === container) throw e;
    }
  }
  for (const c of readdirSync(join(from, 'cases'))) {
    cpSync(join(from, 'cases', c), join(to, 'cases', c), {
      recursive: true,
      filter: (p) => !p.includes('activations'),
    });
  }
  cpSync(join(from, 'tensors', 'state_dict.index.json'), join(to, 'tensors', 'state_dict.index.json'));
  for (const name of ['state_dict', 'effective_weights']) {
    writeFileSync(
      join(to, 'tensors', `${name}.sha256.json`),
      `${JSON.stringify(digests(join(from, 'tensors'), name), null, 1)}\n`,
    );
  }
}
cpSync(join(reference, 'keys'), join(out, 'reference', 'keys'), { recursive: true });
