/** Which backend runs the model, why, and a switch. */
import { chooseBackend } from '../actions/backend_actions';
import { useStore } from '../store/store';
import type { BackendChoice } from '../../worker/protocol';

const LABELS: Record<string, string> = { auto: 'Auto', webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function BackendPicker() {
  const backend = useStore((s) => s.backend);
  const choice = useStore((s) => s.backendChoice);
  const busy = useStore((s) => s.backendBusy);
  const probes = backend?.probes ?? [];
  return (
    <div className="backend">
      <label htmlFor="backend-select">Backend</label>
      <select
        id="backend-select"
        value={choice}
        disabled={busy}
        title="Auto picks the fastest backend that works here; n/a: not available in this browser; slow: a software GPU"
        onChange={(e) => void chooseBackend(e.target.value as BackendChoice)}
      >
        <option value="auto">Auto (fastest)</option>
        {probes.map((p) => (
          <option key={p.name} value={p.name} disabled={!p.available}>
            {LABELS[p.name]}
            {!p.available ? ' (n/a)' : p.software ? ' (slow)' : ''}
          </option>
        ))}
      </select>
      <span
        className="backend-now"
        title={backend ? `${backend.reason}\n${probes.map((p) => `${LABELS[p.name]}: ${p.detail}`).join('\n')}` : ''}
      >
        <span className="dot" data-state={busy ? 'busy' : backend ? 'ok' : 'off'} aria-hidden="true" />
        <span className="sr-only">In use: </span>
        <span data-testid="backend" className="backend-name">
          {backend?.name ?? (busy ? 'starting' : 'none')}
        </span>
        {backend?.threads ? (
          <span data-testid="backend-threads" className="backend-threads">
            {' '}
            ({backend.threads} {backend.threads === 1 ? 'thread' : 'threads'})
          </span>
        ) : null}
      </span>
    </div>
  );
}
