/** The export size (native, 2x, 4x, 8x) with the pixels each gives; shared by PNG and animation export. */
import { setExportScale } from '../actions/export_actions';
import { EXPORT_SCALES, type ExportScale } from '../export/resize';
import { useStore } from '../store/store';

export function ScaleSelect({ testId }: { testId: string }) {
  const scale = useStore((s) => s.exportScale);
  const size = useStore((s) => s.modelInfo?.architecture.resolution ?? 0);
  return (
    <label className="check">
      Size
      <select
        data-testid={testId}
        value={scale}
        onChange={(e) => setExportScale(Number(e.target.value) as ExportScale)}
      >
        {EXPORT_SCALES.map((f) => (
          <option key={f} value={f}>
            {f === 1 ? 'native' : `${f}x`}
            {size > 0 ? ` (${size * f} px)` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
