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

/** Frames go in one at a time, so a caller can yield, report progress or stop between them. */
export class GifWriter {
  private readonly gif = GIFEncoder();

  constructor(private readonly delayMs = 80) {}

  addFrame(frame: RgbImage): void {
    const rgba = toRgba(frame);
    const palette = quantize(rgba, 256);
    this.gif.writeFrame(applyPalette(rgba, palette), frame.width, frame.height, {
      palette,
      delay: this.delayMs,
      repeat: 0,
    });
  }

  /** The file; loops forever. */
  finish(): Uint8Array<ArrayBuffer> {
    this.gif.finish();
    return this.gif.bytes() as Uint8Array<ArrayBuffer>;
  }
}

/** All frames in one pass, `delayMs` each. */
export function encodeGif(
  frames: RgbImage[],
  delayMs = 80,
  onFrame?: (done: number, total: number) => void,
): Uint8Array {
  const writer = new GifWriter(delayMs);
  frames.forEach((f, i) => {
    writer.addFrame(f);
    onFrame?.(i + 1, frames.length);
  });
  return writer.finish();
}
