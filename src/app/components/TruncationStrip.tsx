/** The truncation trade seen: the current sample at truncations 0.1 to 1, the spread curve beside it; a cell sets that truncation. */
import { exportTruncationStrip } from '../actions/export_actions';
import { setTruncation } from '../actions/settings_actions';
import { useStore } from '../store/store';
import { DiversityPlot } from './DiversityPlot';
import { FrameCanvas } from './FrameCanvas';

export function TruncationStrip() {
  const strip = useStore((s) => s.strip);
  const t = useStore((s) => s.truncation);
  const mode = useStore((s) => s.mode);
  if (!strip) return null;
  const nearest = strip.truncations.reduce(
    (best, v) => (Math.abs(v - t) < Math.abs(best - t) ? v : best),
    strip.truncations[0],
  );
  const done = strip.spread.every((v) => v !== null);
  return (
    <section className="panel strip" aria-labelledby="strip-title">
      <div className="panel-head">
        <h2 id="strip-title">The truncation trade</h2>
        <button
          type="button"
          className="link-button"
          data-testid="strip-export"
          disabled={!done}
          onClick={exportTruncationStrip}
        >
          Export strip PNG
        </button>
      </div>
      <p className="help">
        This sample at truncations from 0.1 to 1 ({mode === 'scaled' ? 'scale z by t' : 'redraw |z| > t'}). Low t:
        cleaner and alike; high t: varied and sometimes broken. Pick one to use it.
      </p>
      <div className="strip-body">
        <div className="strip-cells" data-testid="truncation-strip">
          {strip.truncations.map((v, i) => (
            <button
              type="button"
              key={v}
              className={`strip-cell${v === nearest ? ' current' : ''}`}
              aria-pressed={v === nearest}
              aria-label={`Use truncation ${v.toFixed(2)}`}
              onClick={() => setTruncation(v)}
            >
              <FrameCanvas
                rgba={strip.cells[i]}
                size={strip.size}
                testId="strip-cell"
                label={`Truncation ${v.toFixed(2)}`}
                data={{ truncation: v.toFixed(2) }}
              />
              <span>{v.toFixed(2)}</span>
            </button>
          ))}
        </div>
        <DiversityPlot truncations={strip.truncations} spread={strip.spread} current={t} seeds={strip.seeds} />
      </div>
    </section>
  );
}
