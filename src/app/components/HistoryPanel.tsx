/** The last samples (kept in this browser): restore, star to keep, delete, or use as an interpolation end. */
import { pickFromHistory } from '../actions/interp_actions';
import { removeHistoryItem, restoreHistoryItem, toggleStar } from '../actions/history_actions';
import { modelSlug } from '../export/file_names';
import { MAX_HISTORY } from '../history/history_db';
import { HistoryLineage } from './HistoryLineage';
import type { HistoryItem } from '../store/export_slice';
import { useStore } from '../store/store';

/** "T-shirt/top 70% + Bag 30%", the way the blend list shows it. */
function classText(h: HistoryItem): string {
  const cs = h.record.classes;
  const total = cs.reduce((a, c) => a + c.weight, 0);
  return cs
    .map((c) => `${c.name ?? `class ${c.index}`}${cs.length > 1 ? ` ${Math.round((c.weight / total) * 100)}%` : ''}`)
    .join(' + ');
}

export function HistoryPanel() {
  const history = useStore((s) => s.history);
  return (
    <section className="panel history" aria-labelledby="history-title">
      <div className="panel-head">
        <h2 id="history-title">History</h2>
        <span className="help">
          {history.length} of the last {MAX_HISTORY}; starred ones are kept
        </span>
      </div>
      {history.length === 0 ? (
        <p className="help">Samples you settle on appear here.</p>
      ) : (
        <ul className="history-list">
          {history.map((h) => {
            const r = h.record;
            const name = classText(h);
            const what = `${name}, seed ${r.seed}`;
            const model = modelSlug({ model: r.model.id }, r.model.id);
            return (
              <li key={h.id} data-testid="history-item" data-seed={r.seed} data-starred={h.starred}>
                <button
                  type="button"
                  className="history-thumb"
                  data-testid="history-restore"
                  aria-label={`Restore ${what}`}
                  onClick={() => void restoreHistoryItem(h.id)}
                >
                  <img src={h.thumb} alt="" />
                </button>
                <div className="history-text" data-testid="history-title">
                  <span className="history-class" title={name}>
                    {name}
                  </span>
                  <span className="muted">
                    t {r.truncation.toFixed(2)} · seed {r.seed}
                  </span>
                  <span className="muted history-model" title={r.model.id}>
                    {model}
                  </span>
                </div>
                <div className="history-actions">
                  <button
                    type="button"
                    className="icon-button"
                    data-testid="history-star"
                    aria-pressed={h.starred}
                    aria-label={`${h.starred ? 'Unstar' : 'Star to keep'} ${what}`}
                    onClick={() => void toggleStar(h.id)}
                  >
                    {h.starred ? '★' : '☆'}
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    data-testid="history-a"
                    aria-label={`Use ${what} as A`}
                    onClick={() => void pickFromHistory('a', h.id)}
                  >
                    A
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    data-testid="history-b"
                    aria-label={`Use ${what} as B`}
                    onClick={() => void pickFromHistory('b', h.id)}
                  >
                    B
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    data-testid="history-delete"
                    aria-label={`Delete ${what}`}
                    onClick={() => void removeHistoryItem(h.id)}
                  >
                    ×
                  </button>
                </div>
                <HistoryLineage record={h.record} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
