/**
 * Semantic directions of the model in use (SeFa, computed in the worker from the weights): a slot
 * range picker, one slider per direction from -3 to +3 with a reset, names kept with the model,
 * export and import as JSON.
 */
import { useEffect, useRef } from 'react';
import {
  computeDirections,
  exportDirections,
  importDirections,
  nameDirection,
  resetAllDirections,
  resetDirection,
  setDirectionAmount,
} from '../actions/direction_actions';
import { directionKey } from '../actions/lineage_actions';
import { MAX_EDIT_AMOUNT } from '../../core/edit/latent_edits';
import { useStore } from '../store/store';
import { Section } from './Section';

/** The ranges offered: each slot, the first three blocks after the first layer, and all stacked. */
function rangeOptions(slotNames: string[]): { value: string; label: string }[] {
  const n = slotNames.length;
  return [
    ...slotNames.map((name, i) => ({ value: String(i), label: name })),
    ...(n > 3 ? [{ value: '1-3', label: 'blocks 0-2' }] : []),
    { value: 'all', label: 'all slots' },
  ];
}

interface SliderProps {
  dirKey: string;
  label: string;
  slots: number[];
  index: number;
  vector: ArrayLike<number>;
  hint?: string;
}

function DirectionSlider({ dirKey, label, slots, index, vector, hint }: SliderProps) {
  const amount = useStore((s) => s.edits.find((e) => e.key === dirKey)?.amount ?? 0);
  const name = useStore((s) => s.dirNames[dirKey] ?? '');
  return (
    <li className="direction" data-testid="direction" data-key={dirKey} data-amount={amount}>
      <input
        className="direction-name"
        type="text"
        defaultValue={name}
        key={name}
        placeholder={label}
        aria-label={`Name of ${label}`}
        maxLength={64}
        onBlur={(e) => {
          if (e.target.value.trim() !== name) void nameDirection(dirKey, slots, index, vector, e.target.value);
        }}
      />
      <input
        type="range"
        data-testid="direction-slider"
        min={-MAX_EDIT_AMOUNT}
        max={MAX_EDIT_AMOUNT}
        step={0.1}
        value={amount}
        aria-label={`${name || label} amount`}
        title={hint}
        onChange={(e) => setDirectionAmount(dirKey, slots, vector, index, Number(e.target.value))}
      />
      <span className="direction-amount">{amount > 0 ? `+${amount.toFixed(1)}` : amount.toFixed(1)}</span>
      <button
        type="button"
        className="link-button"
        data-testid="direction-reset"
        aria-label={`Reset ${name || label}`}
        disabled={amount === 0}
        onClick={() => resetDirection(dirKey)}
      >
        Reset
      </button>
    </li>
  );
}

export function DirectionsPanel() {
  const info = useStore((s) => s.modelInfo);
  const range = useStore((s) => s.dirRange);
  const directions = useStore((s) => s.directions);
  const status = useStore((s) => s.dirStatus);
  const error = useStore((s) => s.dirError);
  const extra = useStore((s) => s.extraDirections);
  const editCount = useStore((s) => s.edits.length);
  const file = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (info && !directions && status === 'idle') void computeDirections();
  }, [info, directions, status]);
  if (!info) return null;
  return (
    <Section
      title="Directions"
      id="directions"
      aside={
        <button
          type="button"
          className="link-button"
          data-testid="directions-reset-all"
          disabled={editCount === 0}
          onClick={resetAllDirections}
        >
          Reset all
        </button>
      }
    >
      <div data-testid="directions" data-status={status} data-range={directions?.range ?? ''}>
        <p className="help">
          Directions that change the picture most, found from the weights that read each slot's z (SeFa). Moving a
          slider adds that direction to the z of the slots in the range.
        </p>
        <label className="row">
          <span>Slots</span>
          <select data-testid="direction-range" value={range} onChange={(e) => void computeDirections(e.target.value)}>
            {rangeOptions(info.slots).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {status === 'computing' && <p className="help">Computing…</p>}
        {status === 'error' && <p className="error">{error}</p>}
        {directions && (
          <>
            <p className="help" data-testid="directions-time">
              {directions.vectors.length} directions in {directions.ms.toFixed(0)} ms
            </p>
            <ul className="directions">
              {directions.vectors.map((v, i) => (
                <DirectionSlider
                  key={directionKey(directions.range, i)}
                  dirKey={directionKey(directions.range, i)}
                  label={`Direction ${i}`}
                  slots={directions.slots}
                  index={i}
                  vector={v}
                  hint={`eigenvalue ${directions.values[i].toPrecision(3)}`}
                />
              ))}
            </ul>
          </>
        )}
        {extra.length > 0 && (
          <>
            <h3 className="subhead">Named and imported</h3>
            <ul className="directions">
              {extra.map((d) => (
                <DirectionSlider
                  key={d.key}
                  dirKey={d.key}
                  label={d.name}
                  slots={d.slots}
                  index={d.index}
                  vector={d.vector}
                />
              ))}
            </ul>
          </>
        )}
        <div className="row">
          <button type="button" data-testid="directions-export" onClick={exportDirections} disabled={!directions}>
            Export JSON
          </button>
          <button type="button" data-testid="directions-import" onClick={() => file.current?.click()}>
            Import JSON
          </button>
          <input
            ref={file}
            type="file"
            accept="application/json,.json"
            hidden
            data-testid="directions-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void importDirections(f);
              e.target.value = '';
            }}
          />
        </div>
      </div>
    </Section>
  );
}
