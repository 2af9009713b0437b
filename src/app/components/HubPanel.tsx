/** Hugging Face Hub: open `hf:owner/repo[@revision]`, search the Hub for BigGAN checkpoints, and the Hub's address. */
import { useState } from 'react';
import { isHubRef } from '../../core/hub/hub_ref';
import { loadRef } from '../actions/model_actions';
import { searchTheHub, setHubBase } from '../actions/source_actions';
import { useStore } from '../store/store';

export function HubPanel() {
  const hubBase = useStore((s) => s.hubBase);
  const search = useStore((s) => s.hubSearch);
  const [ref, setRef] = useState('');
  const [query, setQuery] = useState('');
  const [base, setBase] = useState(hubBase);

  return (
    <details className="more" data-testid="hub-panel">
      <summary>Open from the Hugging Face Hub</summary>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const r = ref.trim();
          if (r) void loadRef({ model: isHubRef(r) ? r : `hf:${r}` });
        }}
      >
        <label>
          Repository (hf:owner/repo, optionally @revision)
          <input
            type="text"
            value={ref}
            onChange={(e) => setRef(e.target.value)}
            placeholder="hf:osanseviero/BigGAN-deep-128"
            data-testid="hub-ref"
            spellCheck={false}
          />
        </label>
        <button type="submit" disabled={!ref.trim()} data-testid="hub-open">
          Open
        </button>
      </form>
      <form
        className="stack"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void searchTheHub(query);
        }}
      >
        <label>
          Search the Hub for BigGAN checkpoints
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="biggan"
            data-testid="hub-search"
          />
        </label>
        <button type="submit" disabled={!query.trim() || search.status === 'searching'}>
          {search.status === 'searching' ? 'Searching…' : 'Search'}
        </button>
      </form>
      {search.status === 'done' && search.hits.length === 0 && (
        <p className="help" data-testid="hub-no-results">
          No repository matching “{search.query}” holds a checkpoint we read (pytorch_model.bin, *.safetensors,
          G_ema.pth, *-release.pt).
        </p>
      )}
      {search.status === 'error' && (
        <p className="error" role="alert" data-testid="hub-search-error">
          {search.error}
        </p>
      )}
      {search.hits.length > 0 && (
        <ul className="hub-results" aria-label="Hub repositories with a BigGAN checkpoint">
          {search.hits.map((h) => (
            <li key={h.repo}>
              <button
                type="button"
                className="link-button"
                data-testid="hub-result"
                data-repo={h.repo}
                onClick={() => void loadRef({ model: `hf:${h.repo}` })}
              >
                {h.repo}
              </button>
              <span className="muted">
                {' '}
                {h.choice.checkpoint.path}
                {h.choice.config ? ' + config.json' : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          setHubBase(base);
        }}
      >
        <label>
          Hub address (a mirror of the Hub works too)
          <input type="url" value={base} onChange={(e) => setBase(e.target.value)} data-testid="hub-base" />
        </label>
        <button type="submit" disabled={base.trim() === hubBase}>
          Use this Hub
        </button>
      </form>
    </details>
  );
}
