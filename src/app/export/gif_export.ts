/**
 * Animated GIF on the page, a frame per turn of the event loop so the page stays responsive, with
 * progress and cancel; the encoding is core's (the CLI's) GifWriter.
 */
import { CancelledError } from '../../core/errors';
import { GifWriter } from '../../core/export/gif';
import type { RgbImage } from '../../core/export/png';

const nextTurn = () => new Promise<void>((r) => setTimeout(r, 0));

export async function encodeGifAsync(
  frames: RgbImage[],
  delayMs: number,
  onFrame: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const writer = new GifWriter(delayMs);
  for (let i = 0; i < frames.length; i++) {
    if (signal.aborted) throw new CancelledError('GIF export cancelled.');
    writer.addFrame(frames[i]);
    onFrame(i + 1, frames.length);
    await nextTurn();
  }
  return writer.finish();
}
