/** One row per latent slot (generator block): lock, resample, strength; and "resample unlocked". */
import { resampleSlot, resampleUnlocked, resetSlots, setStrength, toggleLock } from '../actions/settings_actions';
import { useStore } from '../store/store';
import { LockIcon, ResampleIcon } from './Icons';
import { Section } from './Section';

export function ChunkList() {
  const slots = useStore((s) => s.slots);
  const info = useStore((s) => s.modelInfo);
  if (!info) return null;
  const deep = info.architecture.family === 'biggan-deep';
  return (
    <Section
      title="Latent chunks"
      id="chunks"
      aside={
        <button type="button" className="link-button" onClick={resetSlots}>
          Reset
        </button>
      }
    >
      <p className="help">
        {deep ? 'Each block reads its own z.' : 'z is split into one chunk per block.'} Lock a chunk to keep it while the
        rest changes.
      </p>
      <ul className="chunks">
        {slots.map((x, i) => {
          const name = info.slots[i] ?? `slot ${i}`;
          return (
            <li key={i} data-testid="chunk" data-slot={i} data-locked={x.locked} data-seed={x.seed ?? ''}>
              <span className="chunk-name">{name}</span>
              <button
                type="button"
                className="icon-button"
                aria-pressed={x.locked}
                aria-label={`${x.locked ? 'Unlock' : 'Lock'} ${name}`}
                title={x.locked ? `Locked to seed ${x.seed}` : 'Lock'}
                data-testid="chunk-lock"
                onClick={() => toggleLock(i)}
              >
                <LockIcon open={!x.locked} />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Resample ${name}`}
                title="Resample this chunk"
                data-testid="chunk-resample"
                onClick={() => resampleSlot(i)}
              >
                <ResampleIcon />
              </button>
              <input
                type="range"
                min={0}
                max={2}
                step={0.05}
                value={x.strength}
                aria-label={`Strength of ${name}`}
                onChange={(e) => setStrength(i, Number(e.target.value))}
              />
              <span className="value">{x.strength.toFixed(2)}</span>
            </li>
          );
        })}
      </ul>
      <button type="button" className="wide" data-testid="resample-unlocked" onClick={resampleUnlocked}>
        Resample unlocked
      </button>
    </Section>
  );
}
