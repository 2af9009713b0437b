/** An RGBA frame on a canvas (interpolation strip and player, the enlarged sample). */
import { useEffect, useRef } from 'react';

export function FrameCanvas({
  rgba,
  size,
  testId,
  label,
  data,
}: {
  rgba: Uint8ClampedArray | null;
  size: number;
  testId: string;
  label: string;
  /** Extra data-* attributes (name without the prefix). */
  data?: Record<string, string>;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    // A frame left from the previous model (another size) waits for its replacement, as ImageData would throw.
    if (ctx && rgba && rgba.length === size * size * 4)
      ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), size, size), 0, 0);
  }, [rgba, size]);
  return (
    <canvas
      ref={ref}
      width={size || 1}
      height={size || 1}
      data-testid={testId}
      {...Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]))}
      data-ready={rgba ? 'true' : 'false'}
      aria-label={label}
      role="img"
      className={rgba ? '' : 'pending'}
      style={{ imageRendering: size < 256 ? 'pixelated' : 'auto' }}
    />
  );
}
