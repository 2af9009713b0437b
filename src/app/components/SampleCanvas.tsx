/** One sample drawn at native resolution; data-ready="true" once the current settings' pixels are on it. */
import { useEffect, useRef, useState } from 'react';
import type { SampleView } from '../store/runtime_slice';
import { formatMs } from '../format';

export function SampleCanvas({
  sample,
  current,
  onSelect,
  onEnlarge,
}: {
  sample: SampleView;
  current: boolean;
  onSelect: () => void;
  onEnlarge: () => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<Uint8ClampedArray | null>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !sample.rgba) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(sample.rgba), sample.width, sample.height), 0, 0);
    setDrawn(sample.rgba);
  }, [sample.rgba, sample.width, sample.height]);
  const ready = sample.fresh && drawn === sample.rgba && sample.rgba !== null;
  return (
    <figure className={`sample${current ? ' current' : ''}${ready ? '' : ' pending'}`}>
      <button
        type="button"
        aria-pressed={current}
        aria-label={`Sample ${sample.index + 1}, seed ${sample.seed}${current ? ' (current)' : ''}`}
        onClick={onSelect}
        onDoubleClick={onEnlarge}
        title="Click to select, double-click to enlarge"
      >
        <canvas
          ref={ref}
          data-testid="sample-canvas"
          data-ready={ready ? 'true' : 'false'}
          data-seed={sample.seed}
          width={sample.width || 1}
          height={sample.height || 1}
          style={{ imageRendering: sample.width < 256 ? 'pixelated' : 'auto' }}
        />
      </button>
      <figcaption>
        <span>seed {sample.seed}</span>
        <span data-testid="sample-time">{ready ? formatMs(sample.ms) : sample.rgba ? 'updating…' : 'drawing…'}</span>
      </figcaption>
    </figure>
  );
}
