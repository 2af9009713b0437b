/** Notices (ignored URL values, lost GPU, finished actions), announced to screen readers; they stack newest last. */
import { dismissAllNotices, dismissNotice } from '../actions/worker_link';
import { useStore } from '../store/store';

export function Notices() {
  const notices = useStore((s) => s.notices);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.length > 1 && (
        <button type="button" className="link-button notices-clear" onClick={dismissAllNotices}>
          Dismiss all
        </button>
      )}
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} data-testid="notice" data-level={n.level}>
          <span>{n.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss notice" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
