/** A to B: ends, steps, what moves; the strip of frames, a player, and strip/GIF/WebM export with progress and cancel. */
import { useEffect, useState } from 'react';
import {
  cancelJob,
  exportGif,
  exportStrip,
  exportWebm,
  interpEndsProblem,
  MAX_FPS,
  MAX_UI_STEPS,
  MIN_FPS,
  playOrder,
  runInterpolation,
  setFps,
  setPingPong,
  setSteps,
  setWhat,
} from '../actions/interp_actions';
import type { InterpolationTarget } from '../../core/latent/interpolate';
import type { PickedSample } from '../store/export_slice';
import { useStore } from '../store/store';
import { FrameCanvas } from './FrameCanvas';
import { ScaleSelect } from './ScaleSelect';

const WHAT: { value: InterpolationTarget; label: string }[] = [
  { value: 'z', label: 'z only' },
  { value: 'class', label: 'class only' },
  { value: 'both', label: 'both' },
];

function End({ name, end }: { name: string; end: PickedSample | null }) {
  return (
    <figure className="interp-end" data-testid={`interp-end-${name.toLowerCase()}`} data-set={end ? 'true' : 'false'}>
      {end ? (
        <img src={end.thumb} alt={`${name}: seed ${end.record.seed}`} />
      ) : (
        <div className="interp-empty">{name}</div>
      )}
      <figcaption>{end ? `${name} · seed ${end.record.seed}` : `pick ${name}`}</figcaption>
    </figure>
  );
}

function Player({ frames, size }: { frames: (Uint8ClampedArray | null)[]; size: number }) {
  const fps = useStore((s) => s.interpFps);
  const pingPong = useStore((s) => s.interpPingPong);
  const order = playOrder(frames.length, pingPong);
  const [playing, setPlaying] = useState(false);
  const [step, setStep] = useState(0);
  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => setStep((i) => (i + 1) % order.length), 1000 / fps);
    return () => clearInterval(t);
  }, [playing, order.length, fps]);
  const at = order[step % order.length] ?? 0;
  const frame = frames[at] ?? null;
  return (
    <div className="interp-player">
      <FrameCanvas rgba={frame} size={size} testId="interp-player" label={`Frame ${at + 1} of ${frames.length}`} />
      <button type="button" data-testid="interp-play" aria-pressed={playing} onClick={() => setPlaying(!playing)}>
        {playing ? 'Pause' : 'Play'}
      </button>
    </div>
  );
}

export function InterpolationPanel() {
  const a = useStore((s) => s.interpA);
  const b = useStore((s) => s.interpB);
  const steps = useStore((s) => s.interpSteps);
  const what = useStore((s) => s.interpWhat);
  const frames = useStore((s) => s.interpFrames);
  const size = useStore((s) => s.interpSize);
  const status = useStore((s) => s.interpStatus);
  const progress = useStore((s) => s.interpProgress);
  const error = useStore((s) => s.interpError);
  const codec = useStore((s) => s.videoCodec);
  const fps = useStore((s) => s.interpFps);
  const pingPong = useStore((s) => s.interpPingPong);
  const loadedHash = useStore((s) => s.modelInfo?.topology.contentHash);
  const busy = status === 'generating' || status === 'encoding';
  const reason = a && b ? interpEndsProblem(a, b, loadedHash) : null;
  const done = status === 'done';
  return (
    <section className="panel interp" aria-labelledby="interp-title" data-testid="interp-panel" data-status={status}>
      <div className="panel-head">
        <h2 id="interp-title">Interpolation</h2>
        <span className="help">Pick A and B from the grid or the history</span>
      </div>
      <div className="interp-setup">
        <End name="A" end={a} />
        <span className="interp-arrow" aria-hidden="true">
          →
        </span>
        <End name="B" end={b} />
        <div className="stack interp-options">
          <label>
            Steps
            <input
              type="number"
              data-testid="interp-steps"
              min={2}
              max={MAX_UI_STEPS}
              value={steps}
              onChange={(e) => setSteps(Number(e.target.value))}
            />
          </label>
          <fieldset className="segmented" aria-label="What moves">
            {WHAT.map((w) => (
              <label key={w.value}>
                <input
                  type="radio"
                  name="interp-what"
                  value={w.value}
                  data-testid={`interp-what-${w.value}`}
                  checked={what === w.value}
                  onChange={() => setWhat(w.value)}
                />
                <span>{w.label}</span>
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            data-testid="interp-run"
            disabled={!a || !b || busy || reason !== null}
            aria-describedby={reason ? 'interp-reason' : undefined}
            onClick={() => void runInterpolation()}
          >
            Interpolate
          </button>
          {reason && (
            <p className="help" id="interp-reason" data-testid="interp-reason">
              {reason}
            </p>
          )}
        </div>
      </div>
      {progress && (
        <div className="row">
          <label className="progress grow">
            <span>
              {progress.label} {progress.done}/{progress.total}
            </span>
            <progress data-testid="interp-progress" value={progress.done} max={progress.total} />
          </label>
          <button type="button" data-testid="interp-cancel" onClick={cancelJob}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="interp-error">
          {error}
        </p>
      )}
      {frames.length > 0 && (
        <>
          <div className="interp-strip" data-testid="interp-strip">
            {frames.map((f, i) => (
              <FrameCanvas key={i} rgba={f} size={size} testId="interp-frame" label={`Frame ${i + 1}`} />
            ))}
          </div>
          {done && <Player frames={frames} size={size} />}
          <div className="row wrap export-options">
            <label className="check">
              Speed
              <input
                type="number"
                data-testid="interp-fps"
                min={MIN_FPS}
                max={MAX_FPS}
                value={fps}
                onChange={(e) => setFps(Number(e.target.value))}
              />
              fps
            </label>
            <label className="check">
              <input
                type="checkbox"
                data-testid="interp-pingpong"
                checked={pingPong}
                onChange={(e) => setPingPong(e.target.checked)}
              />
              Back and forth
            </label>
            <ScaleSelect testId="interp-scale" />
          </div>
          <div className="row wrap">
            <button type="button" data-testid="interp-export-strip" disabled={!done} onClick={exportStrip}>
              PNG strip
            </button>
            <button type="button" data-testid="interp-export-gif" disabled={!done} onClick={() => void exportGif()}>
              GIF
            </button>
            {codec ? (
              <button type="button" data-testid="interp-export-webm" disabled={!done} onClick={() => void exportWebm()}>
                WebM video
              </button>
            ) : (
              <span className="help" data-testid="interp-no-video">
                Video export needs WebCodecs with VP8/VP9, which this browser does not offer.
              </span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
