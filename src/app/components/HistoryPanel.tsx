/** The last samples (kept in this browser): restore, star to keep, delete, or use as an interpolation end. */
import { pickFromHistory } from '../actions/interp_actions';
import { removeHistoryItem, restoreHistoryItem, toggleStar } from '../actions/history_actions';
import { MAX_HISTORY } from '../history/history_db';
import { useStore } from '../store/store';

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
        <p className="help">Samples you look at appear here.</p>
      ) : (
        <ul className="history-list">
          {history.map((h) => {
            const name = h.record.classes.map((c) => c.name ?? `class ${c.index}`).join(' + ');
            return (
              <li key={h.id} data-testid="history-item" data-seed={h.record.seed} data-starred={h.starred}>
                <button type="button" className="history-thumb" data-testid="history-restore" title={`Restore ${name}, seed ${h.record.seed}`} onClick={() => void restoreHistoryItem(h.id)}>
                  <img src={h.thumb} alt={`${name}, seed ${h.record.seed}`} />
                </button>
                <div className="history-actions">
                  <button type="button" className="icon-button" data-testid="history-star" aria-pressed={h.starred} aria-label={h.starred ? 'Unstar' : 'Star to keep'} onClick={() => void toggleStar(h.id)}>
                    {h.starred ? '★' : '☆'}
                  </button>
                  <button type="button" className="icon-button" data-testid="history-a" aria-label="Use as A" onClick={() => void pickFromHistory('a', h.id)}>
                    A
                  </button>
                  <button type="button" className="icon-button" data-testid="history-b" aria-label="Use as B" onClick={() => void pickFromHistory('b', h.id)}>
                    B
                  </button>
                  <button type="button" className="icon-button" data-testid="history-delete" aria-label="Delete" onClick={() => void removeHistoryItem(h.id)}>
                    ×
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
