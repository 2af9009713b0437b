/** A history sample's parents (a variation's one, a crossbreed's two), each a click away when it is in the history. */
import { lineageId, type ParentRef } from '../../core/edit/edit_record';
import type { SampleRecord } from '../../core/export/sample_record';
import { restoreHistoryItem } from '../actions/history_actions';
import { useStore } from '../store/store';

function ParentButton({ parent, label }: { parent: ParentRef; label: string }) {
  const found = useStore((s) => s.history.find((h) => lineageId(h.record) === parent.id)?.id);
  return (
    <button
      type="button"
      className="link-button"
      data-testid="history-parent"
      data-parent={parent.id}
      disabled={found === undefined}
      title={
        found === undefined ? 'This parent is no longer in the history' : `Go to parent ${label} (seed ${parent.seed})`
      }
      onClick={() => found !== undefined && void restoreHistoryItem(found)}
    >
      {label}: seed {parent.seed}
    </button>
  );
}

export function HistoryLineage({ record }: { record: SampleRecord }) {
  const parents: [ParentRef, string][] = record.crossbreed
    ? [
        [record.crossbreed.parents[0], 'A'],
        [record.crossbreed.parents[1], 'B'],
      ]
    : record.variation
      ? [[record.variation.parent, 'parent']]
      : [];
  if (parents.length === 0) return null;
  return (
    <div
      className="history-lineage"
      data-testid="history-lineage"
      data-kind={record.crossbreed ? 'crossbreed' : 'variation'}
    >
      {record.crossbreed ? 'crossbreed of ' : 'variation of '}
      {parents.map(([p, label]) => (
        <ParentButton key={label} parent={p} label={label} />
      ))}
    </div>
  );
}
