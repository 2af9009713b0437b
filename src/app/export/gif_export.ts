/**
 * Animated GIF on the page, a frame per turn of the event loop so the page stays responsive, with
 * progress and cancel. Same encoding as core/export/gif.ts (gifenc, per-frame palettes, looping),
 * which the CLI uses in one synchronous pass.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import { CancelledError } from '../../core/errors';
import type { RgbImage } from '../../core/export/png';
import { rgbToRgba } from './export_png';

const nextTurn = () => new Promise<void>((r) => setTimeout(r, 0));

export async function encodeGifAsync(
  frames: RgbImage[],
  delayMs: number,
  onFrame: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const gif = GIFEncoder();
  for (let i = 0; i < frames.length; i++) {
    if (signal.aborted) throw new CancelledError('GIF export cancelled.');
    const f = frames[i];
    const rgba = new Uint8Array(rgbToRgba(f.data).buffer);
    const palette = quantize(rgba, 256);
    gif.writeFrame(applyPalette(rgba, palette), f.width, f.height, { palette, delay: delayMs, repeat: 0 });
    onFrame(i + 1, frames.length);
    await nextTurn();
  }
  gif.finish();
  return gif.bytes() as Uint8Array<ArrayBuffer>;
}
