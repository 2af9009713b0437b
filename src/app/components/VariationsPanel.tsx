/**
 * Variations of the current sample (a grid of children: its z plus seeded noise) and crossbreeding
 * two samples; a click on a child makes it current.
 */
import { useEffect, useRef, useState } from 'react';
import { MAX_VARIATION_STRENGTH } from '../../core/edit/variation';
import {
  crossbreed,
  crossParents,
  makeVariations,
  pickParent,
  pickVariation,
  toggleCrossSlot,
  variationRecord,
} from '../actions/variation_actions';
import { recordForView } from '../export/view_record';
import type { VariationChild } from '../store/lineage_slice';
import { useStore } from '../store/store';
import { Section } from './Section';

function ChildCanvas({ child, index }: { child: VariationChild; index: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<Uint8ClampedArray | null>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || !child.rgba) return;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(child.rgba), child.width, child.height), 0, 0);
    setDrawn(child.rgba);
  }, [child.rgba, child.width, child.height]);
  return (
    <li className="variation-cell">
      <button
        type="button"
        className="variation-pick"
        aria-label={`Make variation ${index + 1} current`}
        onClick={() => pickVariation(index)}
      >
        <canvas
          ref={ref}
          data-testid="variation"
          data-ready={drawn !== null && drawn === child.rgba ? 'true' : 'false'}
          data-seed={child.seed}
          width={child.width}
          height={child.height}
          style={{ imageRendering: child.width < 256 ? 'pixelated' : 'auto' }}
        />
      </button>
      <span className="variation-parents">
        <button
          type="button"
          className="icon-button"
          data-testid="variation-a"
          aria-label={`Variation ${index + 1} as parent A`}
          onClick={() => pickParent('a', variationRecord(index))}
        >
          A
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="variation-b"
          aria-label={`Variation ${index + 1} as parent B`}
          onClick={() => pickParent('b', variationRecord(index))}
        >
          B
        </button>
      </span>
    </li>
  );
}

export function VariationsPanel() {
  const info = useStore((s) => s.modelInfo);
  const children = useStore((s) => s.variations);
  const strength = useStore((s) => s.variationStrength);
  const which = useStore((s) => s.variationSlots);
  const classChange = useStore((s) => s.variationClassChange);
  const mix = useStore((s) => s.crossMix);
  const pick = useStore((s) => s.crossPick);
  // Subscribed so the parents shown follow their picks; crossParents() reads them.
  useStore((s) => s.crossA);
  useStore((s) => s.crossB);
  useStore((s) => s.interpA);
  useStore((s) => s.interpB);
  const [a, b] = crossParents();
  if (!info) return null;
  const current = () => recordForView(useStore.getState(), useStore.getState().current);
  const describe = (r: typeof a) =>
    r ? `seed ${r.seed}, ${r.classes.map((c) => c.name ?? `class ${c.index}`).join(' + ')}` : 'not picked';
  return (
    <Section title="Variations" id="variations-panel">
      <div className="row">
        <label>
          <span>Strength</span>
          <input
            type="range"
            data-testid="variation-strength"
            min={0.05}
            max={MAX_VARIATION_STRENGTH}
            step={0.05}
            value={strength}
            onChange={(e) => useStore.setState({ variationStrength: Number(e.target.value) })}
          />
          <span>{strength.toFixed(2)}</span>
        </label>
        <label>
          <span>Slots</span>
          <select
            data-testid="variation-slots"
            value={String(which)}
            onChange={(e) =>
              useStore.setState({ variationSlots: e.target.value === 'all' ? 'all' : Number(e.target.value) })
            }
          >
            <option value="all">all</option>
            {info.slots.map((name, i) => (
              <option key={i} value={i}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="variation-class"
            checked={classChange}
            onChange={(e) => useStore.setState({ variationClassChange: e.target.checked })}
          />
          <span>change a class</span>
        </label>
      </div>
      <div className="row">
        <button type="button" data-testid="make-variations" onClick={() => makeVariations(children.length > 0)}>
          {children.length > 0 ? 'More variations' : 'Make variations'}
        </button>
      </div>
      <ul className="variations" data-testid="variations">
        {children.map((c, i) => (
          <ChildCanvas key={`${c.seed}`} child={c} index={i} />
        ))}
      </ul>
      <h3 className="subhead">Crossbreed</h3>
      <p className="help">
        Each slot's z comes from A or B (at random, or as set per slot below); the classes are blended.
      </p>
      <ul className="cross-parents">
        <li data-testid="cross-a">
          A: {describe(a)}{' '}
          <button type="button" className="link-button" onClick={() => pickParent('a', current())}>
            use current
          </button>
        </li>
        <li data-testid="cross-b">
          B: {describe(b)}{' '}
          <button type="button" className="link-button" onClick={() => pickParent('b', current())}>
            use current
          </button>
        </li>
      </ul>
      <div className="row wrap" data-testid="cross-pick">
        <span>Slots</span>
        {info.slots.map((name, i) => (
          <button
            key={i}
            type="button"
            className="icon-button"
            data-testid="cross-pick-slot"
            title={name}
            aria-label={`${name}: from ${pick ? pick[i].toUpperCase() : 'A or B at random'}`}
            onClick={() => toggleCrossSlot(i)}
          >
            {pick ? pick[i].toUpperCase() : '?'}
          </button>
        ))}
        <button
          type="button"
          className="link-button"
          data-testid="cross-pick-random"
          disabled={!pick}
          onClick={() => useStore.setState({ crossPick: null })}
        >
          random
        </button>
      </div>
      <label className="row">
        <span>Classes A to B</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={mix}
          aria-label="Class blend from A to B"
          onChange={(e) => useStore.setState({ crossMix: Number(e.target.value) })}
        />
      </label>
      <button type="button" data-testid="crossbreed" disabled={!a || !b} onClick={() => crossbreed()}>
        Crossbreed
      </button>
    </Section>
  );
}
