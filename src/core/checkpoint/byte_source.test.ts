import { describe, expect, it } from 'vitest';
import { CheckpointFormatError } from '../errors';
import { byteSourceFrom } from './byte_source';

const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);

describe('byteSourceFrom', () => {
  it.each([
    ['Uint8Array', bytes],
    ['Uint8Array view', new Uint8Array(new Uint8Array(120).fill(9).buffer, 10, 100).map((_, i) => i)],
    ['ArrayBuffer', bytes.slice().buffer],
    ['Blob', new Blob([bytes])],
  ])('reads ranges of a %s', async (_label, source) => {
    const src = byteSourceFrom(source);
    expect(src.size).toBe(100);
    expect([...(await src.read(10, 5))]).toEqual([10, 11, 12, 13, 14]);
    expect((await src.read(100, 0)).length).toBe(0);
    expect([...(await src.read(95, 5))]).toEqual([95, 96, 97, 98, 99]);
  });

  it.each([
    ['Uint8Array', bytes],
    ['Blob', new Blob([bytes])],
  ])('refuses reads past the end of a %s, naming the offset', async (_label, source) => {
    const src = byteSourceFrom(source);
    await expect(src.read(90, 20)).rejects.toThrow(CheckpointFormatError);
    await expect(src.read(90, 20)).rejects.toThrow(/byte offset 90.*ends at byte 100.*download it again/);
    await expect(src.read(-1, 2)).rejects.toThrow(CheckpointFormatError);
  });

  it('refuses other kinds of source', () => {
    expect(() => byteSourceFrom('not bytes' as unknown as Blob)).toThrow(CheckpointFormatError);
  });
});
