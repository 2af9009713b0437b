/**
 * Notices (ignored URL values, lost GPU, finished actions), announced to screen readers. They stack
 * newest last; all but the newest two shrink to one line (click one to read it) so the stack stays small.
 */
import { useState } from 'react';
import { dismissAllNotices, dismissNotice } from '../actions/worker_link';
import { useStore } from '../store/store';

const FULL = 2;

export function Notices() {
  const notices = useStore((s) => s.notices);
  const [opened, setOpened] = useState<number | null>(null);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.length > 1 && (
        <button type="button" className="link-button notices-clear" onClick={dismissAllNotices}>
          Dismiss all
        </button>
      )}
      {notices.map((n, i) => (
        <div
          key={n.id}
          className={`notice notice-${n.level}${i < notices.length - FULL && opened !== n.id ? ' compact' : ''}`}
          data-testid="notice"
          data-level={n.level}
        >
          {i < notices.length - FULL ? (
            <button
              type="button"
              className="notice-text"
              aria-expanded={opened === n.id}
              onClick={() => setOpened(opened === n.id ? null : n.id)}
            >
              {n.text}
            </button>
          ) : (
            <span className="notice-text">{n.text}</span>
          )}
          <button type="button" className="icon-button" aria-label="Dismiss notice" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
