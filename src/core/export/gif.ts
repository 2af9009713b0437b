/** Animated GIFs from RGB frames (gifenc: per-frame palettes from its quantizer). */
import * as gifencModule from 'gifenc';
import type { RgbImage } from './png';

// Bundlers load gifenc's ES build (named exports); Node loads its CommonJS build, whose exports
// are getters that Node's named-export detection cannot see, so they sit on the default export.
const gifenc: typeof gifencModule =
  'GIFEncoder' in gifencModule ? gifencModule : (gifencModule as unknown as { default: typeof gifencModule }).default;
const { applyPalette, GIFEncoder, quantize } = gifenc;

function toRgba(img: RgbImage): Uint8Array {
  const out = new Uint8Array(img.width * img.height * 4);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    out[j] = img.data[i];
    out[j + 1] = img.data[i + 1];
    out[j + 2] = img.data[i + 2];
    out[j + 3] = 255;
  }
  return out;
}

/** `delayMs` per frame; loops forever. `onFrame` reports progress and may throw to cancel. */
export function encodeGif(frames: RgbImage[], delayMs = 80, onFrame?: (done: number, total: number) => void): Uint8Array {
  const gif = GIFEncoder();
  frames.forEach((f, i) => {
    const rgba = toRgba(f);
    const palette = quantize(rgba, 256);
    gif.writeFrame(applyPalette(rgba, palette), f.width, f.height, { palette, delay: delayMs, repeat: 0 });
    onFrame?.(i + 1, frames.length);
  });
  gif.finish();
  return gif.bytes();
}
