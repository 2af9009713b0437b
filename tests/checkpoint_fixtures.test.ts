import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src/core/checkpoint';
import type { CheckpointContainer, CheckpointSource } from '../src/core/checkpoint';
import { FIXTURES } from './helpers/fixtures';

interface IndexEntry {
  offset_bytes: number;
  shape: number[];
  numel: number;
}

const CHECKPOINTS: Array<[string, string, CheckpointContainer]> = [
  ['biggan-deep', 'pytorch_model.legacy.bin', 'torch-legacy'],
  ['biggan-deep', 'pytorch_model.zip.bin', 'torch-zip'],
  ['biggan', 'G.legacy.pth', 'torch-legacy'],
  ['biggan', 'G.zip.pth', 'torch-zip'],
];

function expected(family: string): { index: Record<string, IndexEntry>; values: Uint8Array } {
  const dir = path.join(FIXTURES, family, 'tensors');
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'state_dict.index.json'), 'utf8')) as {
    tensors: Record<string, IndexEntry>;
  };
  return { index: index.tensors, values: new Uint8Array(fs.readFileSync(path.join(dir, 'state_dict.f32'))) };
}

describe.each(CHECKPOINTS)('fixture %s/%s', (family, file, container) => {
  const filePath = path.join(FIXTURES, family, file);
  const sources: Array<[string, () => Promise<CheckpointSource>]> = [
    ['Uint8Array', async () => new Uint8Array(fs.readFileSync(filePath))],
    ['Blob', () => fs.openAsBlob(filePath)],
  ];

  it.each(sources)('matches tensors/state_dict.f32 bit for bit, read from a %s', async (_label, open) => {
    const { index, values } = expected(family);
    const result = await readCheckpoint(await open());
    expect(result.container).toBe(container);
    expect([...result.tensors.keys()].sort()).toEqual(Object.keys(index).sort());
    for (const [name, entry] of Object.entries(index)) {
      const tensor = result.tensors.get(name)!;
      // The index writes 0-d tensors (attention gamma) as [1]; the checkpoint says [] as torch does.
      const shape = tensor.shape.length === 0 ? [1] : tensor.shape;
      expect(shape, name).toEqual(entry.shape);
      expect(tensor.data.length, name).toBe(entry.numel);
      expect(tensor.dtype).toBe('float32');
      const got = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      const want = values.subarray(entry.offset_bytes, entry.offset_bytes + entry.numel * 4);
      if (Buffer.compare(Buffer.from(got), Buffer.from(want)) !== 0) throw new Error(`${name}: values differ`);
    }
  });
});

describe('fixture details', () => {
  it('keeps the file order of keys and the scalar shape of attention gamma', async () => {
    const { tensors } = await readCheckpoint(await fs.openAsBlob(path.join(FIXTURES, 'biggan', 'G.zip.pth')));
    expect([...tensors.keys()].slice(0, 3)).toEqual(['shared.weight', 'linear.weight', 'linear.bias']);
    expect(tensors.get('blocks.3.1.gamma')!.shape).toEqual([]);
  });

  it('reports progress over all tensor bytes, ending at the total', async () => {
    const events: Array<{ loaded: number; total: number }> = [];
    await readCheckpoint(await fs.openAsBlob(path.join(FIXTURES, 'biggan-deep', 'pytorch_model.legacy.bin')), {
      onProgress: (p) => events.push({ ...p }),
    });
    const total = events[0]!.total;
    const numel = Object.values(expected('biggan-deep').index).reduce((n, e) => n + e.numel, 0);
    expect(total).toBe(numel * 4);
    expect(events[0]!.loaded).toBe(0);
    expect(events.at(-1)).toEqual({ loaded: total, total });
    for (let i = 1; i < events.length; i++) expect(events[i]!.loaded).toBeGreaterThanOrEqual(events[i - 1]!.loaded);
  });
});
