/** The samples, the model status line and the export bar. */
import { setCurrent } from '../actions/settings_actions';
import { openViewer } from '../actions/view_actions';
import { useStore } from '../store/store';
import { ExportBar } from './ExportBar';
import { AboutButton } from './Intro';
import { ModelStatus } from './ModelStatus';
import { SampleCanvas } from './SampleCanvas';

export function SampleArea() {
  const samples = useStore((s) => s.samples);
  const current = useStore((s) => s.current);
  const rendering = useStore((s) => s.rendering);
  const renderError = useStore((s) => s.renderError);
  const generation = useStore((s) => s.renderGeneration);
  const columns = Math.ceil(Math.sqrt(Math.max(1, samples.length)));
  return (
    <section className="stage" aria-label="Samples">
      <div className="stage-head">
        <ModelStatus />
        <div className="stage-actions">
          <AboutButton />
          <button type="button" data-testid="enlarge" onClick={openViewer} disabled={!samples[current]?.rgba}>
            Enlarge
          </button>
          {rendering && <span className="spinner" role="img" aria-label="Drawing" />}
        </div>
      </div>
      {renderError && (
        <p className="error" role="alert">
          {renderError}
        </p>
      )}
      <div
        className="grid"
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
        data-batch={samples.length}
        data-generation={generation}
        data-testid="sample-grid"
      >
        {samples.map((s) => (
          <SampleCanvas
            key={s.index}
            sample={s}
            current={s.index === current}
            onSelect={() => setCurrent(s.index)}
            onEnlarge={() => {
              setCurrent(s.index);
              openViewer();
            }}
          />
        ))}
      </div>
      <ExportBar />
    </section>
  );
}
