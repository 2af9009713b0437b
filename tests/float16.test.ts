/**
 * Float16 weight storage: the encoder agrees with TensorFlow.js's decoder on every half value, and
 * a float16 model's output stays close to the reference (the figure is printed for the README).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { encodeFloat16, float32ToFloat16Bits } from '../src/core/model/float16';
import { setBackend } from './helpers/backends';
import { maxAbsDiff, nchwToNhwc, readCase, readFixtureNpy } from './helpers/fixtures';
import { loadFixtureModel, serializeFixture } from './helpers/models';

describe('float16 encoding', () => {
  it('round-trips every finite half value through tf.io.decodeWeights', async () => {
    await setBackend('cpu');
    const bits = new Uint16Array(65536).map((_, i) => i);
    const decoded = tf.io.decodeWeights(bits.buffer, [
      { name: 'w', shape: [65536], dtype: 'float32', quantization: { dtype: 'float16' } },
    ]);
    const values = (await decoded.w.data()) as Float32Array;
    decoded.w.dispose();
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(values[i])) continue;
      expect(float32ToFloat16Bits(values[i])).toBe(i);
    }
  });

  it('rounds to nearest even and saturates to infinity', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(float32ToFloat16Bits(70000)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-1e-9)).toBe(0x8000);
    expect(Array.from(encodeFloat16(Float32Array.of(0.5, -2)))).toEqual([0x3800, 0xc000]);
  });
});

describe('a float16 model', () => {
  it('halves the weight bytes and stays within 2e-2 of the reference output', async () => {
    await setBackend('wasm');
    const f32 = await serializeFixture('biggan-deep', 'float32');
    const f16 = await serializeFixture('biggan-deep', 'float16');
    const bytes = (m: typeof f32) => m.shards.reduce((a, s) => a + s.bytes.length, 0);
    expect(bytes(f16) * 2).toBe(bytes(f32));
    const model = await loadFixtureModel('biggan-deep', 'float16');
    const z = readFixtureNpy('biggan-deep', 'cases', 'case0', 'z.npy');
    const c = readFixtureNpy('biggan-deep', 'cases', 'case0', 'class.npy');
    const out = model.generator.generate({
      z: tf.tensor2d(z.data, [1, z.shape[1]]),
      classVector: tf.tensor2d(c.data, [1, c.shape[1]]),
      truncation: readCase('biggan-deep', 'case0').truncation!,
    });
    const err = maxAbsDiff(
      await out.data(),
      nchwToNhwc(readFixtureNpy('biggan-deep', 'cases', 'case0', 'out_nchw.npy')),
    );
    console.log(`float16 weights: output max abs error ${err.toExponential(2)} (float32: < 2e-6)`);
    expect(err).toBeLessThan(2e-2);
    model.generator.dispose();
  });
});
