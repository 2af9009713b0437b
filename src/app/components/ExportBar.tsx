/** Under the grid: export the current sample, the grid or all samples; size and filter; restore from a PNG; pick ends for a walk. */
import { exportCurrent, exportGrid, exportZip, setExportFilter, setGridCaption } from '../actions/export_actions';
import { pickCurrent } from '../actions/interp_actions';
import { copyLink } from '../actions/view_actions';
import { restoreFromFile } from '../actions/restore_actions';
import type { ScaleFilter } from '../export/resize';
import { useStore } from '../store/store';
import { ScaleSelect } from './ScaleSelect';

export function ExportBar() {
  const samples = useStore((s) => s.samples);
  const current = useStore((s) => s.current);
  const scale = useStore((s) => s.exportScale);
  const filter = useStore((s) => s.exportFilter);
  const caption = useStore((s) => s.gridCaption);
  const sample = samples[current];
  const ready = Boolean(sample?.fresh && sample.rgba);
  const allReady = samples.length > 0 && samples.every((x) => x.fresh && x.rgba);
  return (
    <div className="export-bar">
      <div className="row wrap">
        <button
          type="button"
          data-testid="export-png"
          onClick={exportCurrent}
          disabled={!ready}
          title="The selected sample, with its settings inside"
        >
          Export PNG
        </button>
        <button type="button" data-testid="export-grid" onClick={exportGrid} disabled={!allReady}>
          Export grid
        </button>
        <button type="button" data-testid="export-zip" onClick={() => void exportZip()} disabled={!allReady}>
          Download all (zip)
        </button>
        <button
          type="button"
          data-testid="copy-link"
          onClick={() => void copyLink()}
          title="Copy the address of this view: model, class, truncation, seed and chunks"
        >
          Copy link
        </button>
        <span className="sep" />
        <button
          type="button"
          data-testid="interp-a"
          onClick={() => pickCurrent('a')}
          disabled={!ready}
          title="Use the selected sample as the start of an interpolation"
        >
          Use as A
        </button>
        <button
          type="button"
          data-testid="interp-b"
          onClick={() => pickCurrent('b')}
          disabled={!ready}
          title="Use the selected sample as the end of an interpolation"
        >
          Use as B
        </button>
      </div>
      <div className="row wrap export-options">
        <ScaleSelect testId="export-scale" />
        <label className="check">
          Filter
          <select
            data-testid="export-filter"
            value={filter}
            disabled={scale === 1}
            onChange={(e) => setExportFilter(e.target.value as ScaleFilter)}
          >
            <option value="nearest">nearest</option>
            <option value="smooth">smooth</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="export-caption"
            checked={caption}
            onChange={(e) => setGridCaption(e.target.checked)}
          />
          Caption under grid
        </label>
        <label className="file-button small">
          Restore from PNG…
          <input
            type="file"
            accept="image/png"
            data-testid="restore-png"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void restoreFromFile(f);
            }}
          />
        </label>
      </div>
    </div>
  );
}
