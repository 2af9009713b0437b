/** WebM video through WebCodecs (VP9, else VP8) and webm-muxer, with progress and cancel. */
import { ArrayBufferTarget, Muxer } from 'webm-muxer';
import { CancelledError } from '../../core/errors';
import type { RgbImage } from '../../core/export/png';
import { rgbToRgba } from './export_png';

const CODECS = ['vp09.00.10.08', 'vp8'];

/** The first codec this browser's VideoEncoder takes, or null (no WebCodecs, or no VP8/VP9 encoder). */
export async function findVideoCodec(): Promise<string | null> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') return null;
  for (const codec of CODECS) {
    try {
      const { supported } = await VideoEncoder.isConfigSupported({
        codec,
        width: 256,
        height: 256,
        bitrate: 2_000_000,
      });
      if (supported) return codec;
    } catch {
      // try the next one
    }
  }
  return null;
}

const nextTurn = () => new Promise<void>((r) => setTimeout(r, 0));

export async function encodeWebm(
  frames: RgbImage[],
  fps: number,
  codec: string,
  onFrame: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const { width, height } = frames[0];
  const muxer = new Muxer({
    target: new ArrayBufferTarget(),
    video: { codec: codec.startsWith('vp09') ? 'V_VP9' : 'V_VP8', width, height, frameRate: fps },
  });
  let failure: Error | null = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
    error: (e) => {
      failure = e;
    },
  });
  try {
    encoder.configure({ codec, width, height, framerate: fps, bitrate: Math.max(500_000, width * height * fps * 2) });
    const step = 1_000_000 / fps;
    for (let i = 0; i < frames.length; i++) {
      if (signal.aborted) throw new CancelledError('Video export cancelled.');
      if (failure) throw failure;
      const data = rgbToRgba(frames[i].data);
      const frame = new VideoFrame(data, {
        format: 'RGBA',
        codedWidth: width,
        codedHeight: height,
        timestamp: Math.round(i * step),
        duration: Math.round(step),
      });
      encoder.encode(frame, { keyFrame: i % 60 === 0 });
      frame.close();
      onFrame(i + 1, frames.length);
      await nextTurn();
    }
    await encoder.flush();
    if (failure) throw failure;
    muxer.finalize();
    return new Uint8Array(muxer.target.buffer);
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
}
