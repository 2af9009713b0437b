/**
 * Both containers of the TF Hub BigGAN fixture read exactly: every float tensor bit for bit against
 * tensors/state_dict.f32, plus the int64 `num_batches_tracked` counters the raw dump leaves out.
 */
import { openAsBlob } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src/core/checkpoint';
import { convertStateDict } from '../src/core/convert/convert';
import { CHECKPOINTS, fixturePath, readRawTensors } from './helpers/fixtures';

const FAMILY = 'biggan-tfhub';

describe.each(CHECKPOINTS[FAMILY])('TF Hub fixture %s', (file) => {
  it('matches tensors/state_dict.f32 bit for bit and converts', async () => {
    const { tensors } = await readCheckpoint(await openAsBlob(fixturePath(FAMILY, file)));
    const expected = readRawTensors(FAMILY, 'state_dict');
    const counters = [...tensors.keys()].filter((k) => !expected.has(k));
    expect(counters.length).toBe(11);
    for (const k of counters) {
      expect(k).toMatch(/\.num_batches_tracked$/);
      expect(tensors.get(k)!.dtype).toBe('int64');
    }
    for (const [name, want] of expected) {
      const got = tensors.get(name)!;
      expect(got.shape, name).toEqual(want.shape);
      expect(got.dtype, name).toBe('float32');
      expect(
        Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(want.data.buffer)),
        name,
      ).toBe(true);
    }
    const converted = convertStateDict(tensors);
    expect(converted.architecture.family).toBe(FAMILY);
    expect(converted.weights.length).toBeGreaterThan(50);
  });
});
