/** The sample seed: a number, previous/next, random. */
import { useState } from 'react';
import { randomSeed, setSeed, stepSeed } from '../actions/settings_actions';
import { useStore } from '../store/store';
import { MAX_SEED } from '../../core/latent/latent_request';
import { BatchControl } from './BatchControl';
import { Section } from './Section';

export function SeedControl() {
  const seed = useStore((s) => s.seed);
  const [text, setText] = useState(String(seed));
  // A seed set elsewhere (previous/next, the address) replaces what is typed, during render rather
  // than in an effect, as React advises for state that follows a prop.
  const [shown, setShown] = useState(seed);
  if (seed !== shown) {
    setShown(seed);
    setText(String(seed));
  }
  const commit = (value: string) => {
    const n = Number(value);
    if (value.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= MAX_SEED) setSeed(n);
    else setText(String(seed));
  };
  return (
    <Section title="Seed and batch" id="seed">
      <div className="row">
        <button type="button" className="icon-button" aria-label="Previous seed" onClick={() => stepSeed(-1)}>
          ‹
        </button>
        <input
          data-testid="seed"
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_SEED}
          step={1}
          aria-label="Seed"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            const n = Number(e.target.value);
            if (e.target.value.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= MAX_SEED) setSeed(n);
          }}
          onBlur={(e) => commit(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && commit((e.target as HTMLInputElement).value)}
        />
        <button type="button" className="icon-button" aria-label="Next seed" onClick={() => stepSeed(1)}>
          ›
        </button>
        <button type="button" onClick={() => setSeed(randomSeed())}>
          Random
        </button>
      </div>
      <BatchControl />
    </Section>
  );
}
