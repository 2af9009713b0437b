/** The selected sample, large: a modal dialog (Esc or Close shuts it) with its settings and a download. */
import { className } from '../../core/classes/model_classes';
import { useEffect, useRef } from 'react';
import { exportCurrent } from '../actions/export_actions';
import { closeViewer } from '../actions/view_actions';
import { useStore } from '../store/store';

export function SampleViewer() {
  const open = useStore((s) => s.viewerOpen);
  const sample = useStore((s) => s.samples[s.current]);
  const classes = useStore((s) => s.classes);
  const classList = useStore((s) => s.classList);
  const t = useStore((s) => s.truncation);
  const dialog = useRef<HTMLDialogElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (open && ctx && sample?.rgba)
      ctx.putImageData(new ImageData(new Uint8ClampedArray(sample.rgba), sample.width, sample.height), 0, 0);
  }, [open, sample]);

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
          <canvas
            ref={canvas}
            width={sample.width || 1}
            height={sample.height || 1}
            data-testid="viewer-canvas"
            role="img"
            aria-label={`${name}, seed ${sample.seed}`}
            style={{ imageRendering: sample.width < 256 ? 'pixelated' : 'auto' }}
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
