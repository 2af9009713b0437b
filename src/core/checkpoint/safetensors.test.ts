import { describe, expect, it } from 'vitest';
import { CheckpointFormatError } from '../errors';
import { readCheckpoint } from './read_checkpoint';
import { float32Bytes, float64Bytes, uint16Bytes, writeSafetensors } from '../../../tests/helpers/torch_writer';

describe('safetensors', () => {
  const file = writeSafetensors([
    { name: 'b.f32', dtype: 'F32', shape: [2, 3], bytes: float32Bytes([1, 2, 3, 4, 5, -6.5]) },
    { name: 'a.f16', dtype: 'F16', shape: [3], bytes: uint16Bytes([0x3c00, 0xc000, 0x3555]) },
    { name: '0', dtype: 'BF16', shape: [2], bytes: uint16Bytes([0x3f80, 0xc2f7]) },
    { name: 'd', dtype: 'F64', shape: [1], bytes: float64Bytes([0.1]) },
    { name: 'empty', dtype: 'F32', shape: [0, 4], bytes: new Uint8Array(0) },
  ]);

  it('reads F32, F16, BF16 and F64 tensors in file order', async () => {
    const { container, tensors } = await readCheckpoint(file);
    expect(container).toBe('safetensors');
    expect([...tensors.keys()]).toEqual(['b.f32', 'a.f16', '0', 'd', 'empty']);
    expect(tensors.get('b.f32')).toEqual({
      shape: [2, 3],
      dtype: 'float32',
      data: Float32Array.from([1, 2, 3, 4, 5, -6.5]),
    });
    expect([...tensors.get('a.f16')!.data]).toEqual([1, -2, 0.333251953125]);
    expect(tensors.get('a.f16')!.dtype).toBe('float16');
    expect([...tensors.get('0')!.data]).toEqual([1, -123.5]);
    expect([...tensors.get('d')!.data]).toEqual([Math.fround(0.1)]);
    expect(tensors.get('empty')!.data.length).toBe(0);
  });

  it('refuses a header that runs past the end of the file', async () => {
    await expect(readCheckpoint(file.subarray(0, 40))).rejects.toThrow(/ends at byte 40 .*header.*cut short/);
  });

  it('refuses tensors whose data runs past the end of the file', async () => {
    await expect(readCheckpoint(file.subarray(0, file.length - 3))).rejects.toThrow(
      /tensor "(d|empty)" runs to byte \d+.*cut short/,
    );
  });

  it('refuses inconsistent offsets and unknown dtypes', async () => {
    const make = (header: object): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + 16);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    await expect(readCheckpoint(make({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }))).rejects.toThrow(
      /"w" spans 8 bytes but shape \[3\] of F32 needs 12/,
    );
    await expect(readCheckpoint(make({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }))).rejects.toThrow(
      CheckpointFormatError,
    );
    await expect(readCheckpoint(make({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }))).rejects.toThrow(
      /invalid shape/,
    );
  });
});
