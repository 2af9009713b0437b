/** The selected sample, large: a modal dialog (Esc or Close shuts it) with its settings and a download. */
import { className } from '../../core/classes/model_classes';
import { useEffect, useRef } from 'react';
import { exportCurrent } from '../actions/export_actions';
import { closeViewer } from '../actions/view_actions';
import { useStore } from '../store/store';
import { FrameCanvas } from './FrameCanvas';

export function SampleViewer() {
  const open = useStore((s) => s.viewerOpen);
  const sample = useStore((s) => s.samples[s.current]);
  const classes = useStore((s) => s.classes);
  const classList = useStore((s) => s.classList);
  const t = useStore((s) => s.truncation);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  const ready = Boolean(sample?.fresh && sample.rgba);
  const name = classes.map((c) => className(classList, c.index)).join(' + ');
  return (
    <dialog
      ref={dialog}
      className="viewer"
      data-testid="sample-viewer"
      aria-label="Enlarged sample"
      onClose={closeViewer}
      onClick={(e) => e.target === e.currentTarget && closeViewer()}
    >
      {open && sample && (
        <div className="viewer-body">
          <FrameCanvas
            rgba={sample.rgba}
            size={sample.width}
            testId="viewer-canvas"
            label={`${name}, seed ${sample.seed}`}
          />
          <div className="row wrap viewer-bar">
            <span className="grow">
              {name} · t {t.toFixed(2)} · seed {sample.seed}
            </span>
            <button type="button" data-testid="viewer-download" disabled={!ready} onClick={exportCurrent}>
              Download PNG
            </button>
            <button type="button" data-testid="viewer-close" onClick={closeViewer}>
              Close
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
