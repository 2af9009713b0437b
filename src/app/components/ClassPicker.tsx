/** Class search (a keyboard-navigable combobox), the blend of up to 4 classes, and "random". */
import { className } from '../../core/classes/model_classes';
import { useId, useMemo, useState } from 'react';
import { searchClasses } from '../../core/classes/class_search';
import type { ModelClass } from '../../core/classes/model_classes';
import { MAX_BLEND } from '../../core/latent/class_vector';
import {
  addClass,
  MAX_WEIGHT,
  MIN_WEIGHT,
  pickClass,
  randomClass,
  removeClass,
  setClassWeight,
} from '../actions/settings_actions';
import { useStore } from '../store/store';
import { Section } from './Section';

const LIMIT = 12;

function results(classes: readonly ModelClass[], query: string) {
  if (query.trim() === '') {
    return classes.length <= 20 ? classes.map((_, index) => ({ index, matched: '' })) : [];
  }
  return searchClasses(classes, query, LIMIT);
}

export function ClassPicker() {
  const classList = useStore((s) => s.classList);
  const blend = useStore((s) => s.classes);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [adding, setAdding] = useState(false);
  const listId = useId();
  const hits = useMemo(() => results(classList, query), [classList, query]);
  const shown = open ? hits : [];
  const blendFull = blend.length >= MAX_BLEND;

  const choose = (index: number) => {
    if (adding) addClass(index);
    else pickClass(index);
    setQuery('');
    setOpen(false);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' && shown[active]) {
      e.preventDefault();
      choose(shown[active].index);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const name = (i: number) => className(classList, i);

  return (
    <Section
      title="Class"
      id="class"
      aside={
        <button type="button" className="link-button" onClick={randomClass} disabled={classList.length === 0}>
          Random class
        </button>
      }
    >
      <div className="combo">
        <input
          type="search"
          data-testid="class-search"
          role="combobox"
          aria-label="Search classes"
          aria-expanded={shown.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={shown[active] ? `${listId}-${shown[active].index}` : undefined}
          placeholder={classList.length === 1000 ? 'Search: retriever, cheeseburger, n02099601…' : 'Search classes…'}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKeyDown}
        />
        <ul id={listId} role="listbox" className="options" hidden={shown.length === 0} aria-label="Matching classes">
          {shown.map((h, k) => {
            const c = classList[h.index];
            const synonym = h.matched && h.matched !== c.names[0] ? h.matched : '';
            return (
              <li
                key={h.index}
                id={`${listId}-${h.index}`}
                role="option"
                data-testid="class-option"
                data-index={h.index}
                aria-selected={k === active}
                className={k === active ? 'active' : undefined}
                onMouseDown={(e) => e.preventDefault()}
                onMouseEnter={() => setActive(k)}
                onClick={() => choose(h.index)}
              >
                <span className="option-name">{c.names[0]}</span>
                {synonym && <span className="option-sub"> · {synonym}</span>}
                <span className="option-meta">
                  {h.index}
                  {c.wnid ? ` · ${c.wnid}` : ''}
                </span>
              </li>
            );
          })}
        </ul>
        {open && query.trim() !== '' && hits.length === 0 && <p className="help">No class matches “{query}”.</p>}
      </div>
      <label className="check">
        <input type="checkbox" data-testid="blend-add" checked={adding} onChange={(e) => setAdding(e.target.checked)} />
        Add to blend (up to {MAX_BLEND}) instead of replacing{blendFull && adding ? ' (full: remove one first)' : ''}
      </label>
      <ul className="blend" aria-label="Classes in use" data-testid="class-blend">
        {blend.map((c) => {
          const total = blend.reduce((a, b) => a + b.weight, 0);
          const share = Math.round((c.weight / total) * 100);
          return (
            <li key={c.index} data-testid="blend-class" data-index={c.index}>
              <div className="blend-item" data-testid="blend-item" data-index={c.index} data-weight={c.weight}>
                <span className="blend-name" title={classList[c.index]?.names.join(', ')}>
                  {name(c.index)} <span className="muted">#{c.index}</span>
                </span>
                {blend.length > 1 && (
                  <>
                    <span
                      className="value"
                      title="Weights are relative: each class gets its weight divided by their sum"
                    >
                      {c.weight.toFixed(2)} <span className="muted">({share}%)</span>
                    </span>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Remove ${name(c.index)} from the blend`}
                      onClick={() => removeClass(c.index)}
                    >
                      ×
                    </button>
                    <input
                      type="range"
                      min={MIN_WEIGHT}
                      max={MAX_WEIGHT}
                      step={0.05}
                      value={c.weight}
                      aria-label={`Weight of ${name(c.index)}`}
                      aria-valuetext={`${c.weight.toFixed(2)}, ${share}% of the blend`}
                      onChange={(e) => setClassWeight(c.index, Number(e.target.value))}
                    />
                  </>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
