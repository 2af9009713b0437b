/**
 * Model choice: the catalog (with where each model lives), the Hugging Face Hub, a URL, local
 * files; load progress with bytes, speed, ETA and cancel; the offline cache; a shared link's
 * model that failed to load.
 */
import { useRef, useState } from 'react';
import { cancelLoad, deleteCachedModel, loadFiles, loadRef } from '../actions/model_actions';
import { CATALOG, catalogEntry, shortModelName } from '../catalog';
import { describeProgress, formatBytes } from '../format';
import type { ModelRef } from '../store/settings_slice';
import { useStore } from '../store/store';
import { HubPanel } from './HubPanel';
import { LinkFailure } from './LinkFailure';
import { ModelSourceCard } from './ModelSourceCard';
import { Section } from './Section';

export function ModelPanel() {
  const ref = useStore((s) => s.modelRef);
  const status = useStore((s) => s.modelStatus);
  const progress = useStore((s) => s.loadProgress);
  const loadingLabel = useStore((s) => s.loadingLabel);
  const error = useStore((s) => s.loadError);
  const cached = useStore((s) => s.cached);
  const [url, setUrl] = useState('');
  const [config, setConfig] = useState('');
  // A catalog entry looked at but not loaded (a model the page cannot download itself), until another model loads.
  const [viewing, setViewing] = useState<{ id: string; while: ModelRef | null } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const current = ref && catalogEntry(ref.model) ? ref.model : 'custom';
  const selected = viewing && viewing.while === ref ? viewing.id : current;
  const entry = catalogEntry(selected);
  const loading = status === 'loading';
  const p = progress ? describeProgress(progress) : null;

  const choose = (id: string) => {
    const chosen = catalogEntry(id);
    if (!chosen) return;
    setViewing({ id, while: ref });
    if (!chosen.manual) void loadRef({ model: id });
  };

  return (
    <Section title="Model" id="model">
      <LinkFailure />
      <label htmlFor="model-select" className="sr-only">
        Model
      </label>
      <select id="model-select" data-testid="model-select" value={selected} onChange={(e) => choose(e.target.value)}>
        {CATALOG.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
            {m.manual
              ? ' · drop the file'
              : m.cacheKey
                ? cached.some((c) => c.key === m.cacheKey)
                  ? ' · offline'
                  : ` · ${m.sizeHint}`
                : ''}
          </option>
        ))}
        {selected === 'custom' && <option value="custom">{ref ? shortModelName(ref.model) : 'Local files'}</option>}
      </select>
      {entry && <p className="help">{entry.description}</p>}
      {entry && (entry.mirrors || entry.manual) && (
        <ModelSourceCard entry={entry} onDropInstead={() => fileInput.current?.click()} />
      )}

      {loading && (
        <div className="progress" data-testid="load-progress">
          <div className="row">
            <span className="grow" data-testid={progress?.phase === 'download' ? 'download-progress' : undefined}>
              {p ? p.text : `Preparing ${loadingLabel ?? ''}…`}
            </span>
            <button type="button" onClick={cancelLoad} data-testid="cancel-load">
              Cancel
            </button>
          </div>
          {loadingLabel && p && <span className="help">{loadingLabel}</span>}
          <progress max={1} value={p?.fraction ?? undefined} aria-label="Load progress" />
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="load-error">
          {error}
        </p>
      )}

      <HubPanel />

      <details className="more">
        <summary>Open from a URL or files</summary>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (url.trim()) void loadRef({ model: url.trim(), ...(config.trim() ? { config: config.trim() } : {}) });
          }}
        >
          <label>
            Model URL (model.json, or a .bin/.pth/.safetensors)
            <input
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://…/model.json"
              data-testid="model-url"
            />
          </label>
          <label>
            config.json URL (raw BigGAN-deep checkpoints)
            <input type="url" value={config} onChange={(e) => setConfig(e.target.value)} placeholder="optional" />
          </label>
          <button type="submit" disabled={!url.trim()}>
            Load URL
          </button>
        </form>
        <div className="stack">
          <label className="file-button">
            Choose files…
            <input
              ref={fileInput}
              type="file"
              multiple
              data-testid="model-files"
              accept=".bin,.pth,.pt,.ckpt,.safetensors,.json"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                if (files.length) void loadFiles(files);
              }}
            />
          </label>
          <p className="help">
            A checkpoint (with its config.json), or a converted model.json with its shards. Or drop them anywhere on the
            page.
          </p>
        </div>
      </details>

      {cached.length > 0 && (
        <div className="cache">
          <h3>Saved in this browser</h3>
          <ul>
            {cached.map((c) => (
              <li key={c.key} data-testid="cached-model">
                <button
                  type="button"
                  className="link-button grow cache-open"
                  title={`Open ${c.key}`}
                  disabled={ref?.model === c.key}
                  onClick={() => void loadRef({ model: c.key })}
                >
                  {catalogEntry(c.key)?.label ?? shortModelName(c.key)}
                </button>
                <span className="muted">{formatBytes(c.bytes)}</span>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void deleteCachedModel(c.key)}
                  aria-label={`Delete ${c.key} from this browser`}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}
