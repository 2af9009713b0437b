/**
 * Converting tensor by tensor from the file (what the page does with big checkpoints) gives the
 * same weights as converting a whole state_dict, reads each tensor it uses once and none of the
 * buffers a forward never reads (batch counters, training-time statistics).
 */
import { openAsBlob, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openCheckpoint, readCheckpoint } from '../src/core/checkpoint';
import { convertOpenCheckpoint, convertStateDict } from '../src/core/convert/convert';
import { CancelledError } from '../src/core/errors';
import { CHECKPOINTS, fixturePath, readRawTensors, type FixtureFamily } from './helpers/fixtures';
import { releasedLikeSpec } from './helpers/released_like';
import { writeLegacy } from './helpers/torch_writer';

const config = (family: FixtureFamily) =>
  family === 'biggan-tfhub' ? undefined : readFileSync(fixturePath(family, 'config.json'), 'utf8');

/** Buffers no eval forward reads: batch-norm batch counters and running statistics. */
const UNUSED = /\.(num_batches_tracked|running_mean|running_var)$/;

const FILES = (Object.keys(CHECKPOINTS) as FixtureFamily[]).flatMap((family) =>
  CHECKPOINTS[family].map((file) => [family, file] as const),
);

describe.each(FILES)('%s/%s converted tensor by tensor', (family, file) => {
  it('equals the whole-state_dict conversion, reading each used tensor once', async () => {
    const blob = await openAsBlob(fixturePath(family, file));
    const whole = convertStateDict((await readCheckpoint(blob)).tensors, { configText: config(family) });
    const checkpoint = await openCheckpoint(blob);
    const reads: string[] = [];
    const read = checkpoint.read;
    checkpoint.read = (name, signal) => {
      reads.push(name);
      return read(name, signal);
    };
    const streamed = await convertOpenCheckpoint(checkpoint, { configText: config(family) });
    expect(streamed.architecture).toEqual(whole.architecture);
    expect(streamed.weights.map((w) => w.name)).toEqual(whole.weights.map((w) => w.name));
    streamed.weights.forEach((w, i) =>
      expect(
        Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).equals(
          Buffer.from(whole.weights[i].data.buffer, whole.weights[i].data.byteOffset, whole.weights[i].data.byteLength),
        ),
        w.name,
      ).toBe(true),
    );
    expect(new Set(reads).size).toBe(reads.length);
    expect(reads.every((k) => checkpoint.shapes.has(k))).toBe(true);
    const unused = [...checkpoint.shapes.keys()].filter((k) => UNUSED.test(k));
    if (family === 'biggan-tfhub') expect(unused.length).toBeGreaterThan(0);
    expect(reads.filter((k) => UNUSED.test(k))).toEqual([]);
  });
});

describe.each(['biggan-deep', 'biggan-tfhub'] as const)('a released-like %s file (transposed views)', (family) => {
  it('reads every tensor as readCheckpoint does, bit for bit', async () => {
    const file = new Blob([new Uint8Array(writeLegacy(releasedLikeSpec(readRawTensors(family, 'state_dict'))))]);
    const whole = (await readCheckpoint(file)).tensors;
    const checkpoint = await openCheckpoint(file);
    for (const [name, want] of whole) {
      const got = await checkpoint.read(name);
      expect(got.shape, name).toEqual(want.shape);
      expect(
        Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(
          Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength),
        ),
        name,
      ).toBe(true);
    }
  });
});

describe('tensor-by-tensor conversion', () => {
  it('stops when cancelled, and names a tensor the file lacks', async () => {
    const checkpoint = await openCheckpoint(await openAsBlob(fixturePath('biggan-tfhub', 'biggan128-release.zip.pt')));
    const controller = new AbortController();
    let built = 0;
    const run = convertOpenCheckpoint(checkpoint, {
      signal: controller.signal,
      onProgress: () => {
        if (++built === 3) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(built).toBe(3);
    await expect(checkpoint.read('no.such.tensor')).rejects.toThrow(/no tensor "no.such.tensor"/);
  });
});
