/**
 * Where a catalog model lives: each mirror with what its probe found ("ready offline",
 * "available (size)", "not reachable from this browser" and why) and how we know the address,
 * or, for files a browser may not fetch, the page to get the file from and the file to drop.
 * "Drop the file instead" is always one click away.
 */
import { probeEntry } from '../actions/source_actions';
import { entryMirrors, type CatalogEntry } from '../catalog';
import { formatBytes } from '../format';
import type { MirrorStatus } from '../store/source_slice';
import { useStore } from '../store/store';

const REASONS: Record<string, string> = {
  offline: 'you are offline',
  'no-cors': 'no CORS',
  network: 'unreachable or no CORS',
  http: 'HTTP error',
  html: 'a web page, not the file',
  timeout: 'no answer',
};

function statusText(s: MirrorStatus | undefined): string {
  if (!s || s.state === 'unknown') return 'not checked yet';
  if (s.state === 'probing') return 'checking…';
  if (s.state === 'available') return `available${s.bytes ? ` (${formatBytes(s.bytes)})` : ' (size not given)'}`;
  return `not reachable from this browser (${REASONS[s.reason] ?? s.reason}): ${s.detail}`;
}

export function ModelSourceCard({ entry, onDropInstead }: { entry: CatalogEntry; onDropInstead: () => void }) {
  const hubBase = useStore((s) => s.hubBase);
  const statuses = useStore((s) => s.mirrorStatus[entry.id]);
  const cached = useStore((s) => s.cached.some((c) => c.key === entry.cacheKey));
  const mirrors = entryMirrors(entry, hubBase);
  const dropButton = (
    <button type="button" className="link-button" data-testid="drop-instead" onClick={onDropInstead}>
      Drop the file instead…
    </button>
  );

  return (
    <div className="model-source" data-testid="model-source" data-model={entry.id}>
      {cached && (
        <p className="mirror" data-testid="mirror-status" data-state="cached">
          <strong>Ready offline</strong>: saved in this browser, no download needed.
        </p>
      )}
      {!cached && mirrors.length > 0 && (
        <ol className="mirrors" aria-label="Download addresses, tried in order">
          {mirrors.map((m, i) => {
            const s = statuses?.[i];
            return (
              <li key={m.checkpoint} className="mirror" data-testid="mirror-status" data-state={s?.state ?? 'unknown'}>
                <span className="mirror-label">{m.label}</span>
                {!m.verified && (
                  <span
                    className="badge"
                    title="Listed by the project that published it; not verified to exist today. The check below decides."
                  >
                    {' '}
                    unverified
                  </span>
                )}
                <span className="mirror-state">{statusText(s)}</span>
                <span className="help mirror-evidence">{m.evidence}</span>
              </li>
            );
          })}
        </ol>
      )}
      {!cached && mirrors.length > 0 && (
        <div className="row">
          <button
            type="button"
            className="link-button"
            data-testid="probe-mirrors"
            onClick={() => void probeEntry(entry).catch(() => undefined)}
          >
            Check again
          </button>
          {dropButton}
        </div>
      )}
      {entry.manual && (
        <div className="mirror" data-testid="mirror-status" data-state="manual">
          <p>
            <strong>Not downloadable by this page.</strong> {entry.manual.why}
          </p>
          <p>
            Get <code data-testid="manual-file">{entry.manual.file}</code> from{' '}
            <a href={entry.manual.page} target="_blank" rel="noreferrer noopener" data-testid="manual-page">
              {entry.manual.pageLabel}
            </a>
            . {entry.manual.steps}
          </p>
          {dropButton}
        </div>
      )}
    </div>
  );
}
