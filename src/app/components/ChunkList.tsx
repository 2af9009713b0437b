/** One row per latent slot (generator block): lock, resample, strength; and "resample unlocked". */
import type { Architecture } from '../../core/config/architecture';
import { resampleSlot, resampleUnlocked, resetSlots, setStrength, toggleLock } from '../actions/settings_actions';
import { useStore } from '../store/store';
import { LockIcon, ResampleIcon } from './Icons';
import { Section } from './Section';

/** What a slot is, in each family's terms. */
function slotHelp(family: Architecture['family']): string {
  return family === 'biggan-deep'
    ? 'BigGAN-deep gives every block the whole z, so each row here is a whole z for one block (the first for the linear layer).'
    : 'BigGAN cuts z into chunks: the first feeds the linear layer that lays out the image, each other one conditions one block (coarse blocks decide shape, fine ones texture).';
}

export function ChunkList() {
  const slots = useStore((s) => s.slots);
  const info = useStore((s) => s.modelInfo);
  if (!info) return null;
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
      <p className="help" data-testid="chunk-help">
        {slotHelp(info.architecture.family)} Lock a chunk to keep it while the rest changes; resample one to give it its
        own new seed; <strong>strength</strong> multiplies its values (0 silences it, 1 is as drawn, 2 exaggerates).
      </p>
      <div className="chunk-head" aria-hidden="true">
        <span>chunk</span>
        <span>lock</span>
        <span>new</span>
        <span>strength</span>
      </div>
      <ul className="chunks">
        {slots.map((x, i) => {
          const name = info.slots[i] ?? `slot ${i}`;
          const pinned = x.seed !== undefined;
          const strengthId = `strength-${i}`;
          return (
            <li
              key={i}
              data-testid="chunk"
              data-slot={i}
              data-locked={x.locked}
              data-seed={x.seed ?? ''}
              data-pinned={pinned}
            >
              <span className="chunk-name">
                {name}
                {pinned && (
                  <span
                    className="chunk-pin"
                    data-testid="chunk-pin"
                    title={
                      x.locked
                        ? 'Locked: keeps this seed when the sample seed changes'
                        : 'Resampled: uses its own seed until the sample seed changes'
                    }
                  >
                    {x.locked ? 'locked' : 'pinned'} · seed {x.seed}
                  </span>
                )}
              </span>
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
              <label className="chunk-strength" htmlFor={strengthId}>
                <span className="sr-only">Strength of {name}</span>
                <input
                  id={strengthId}
                  type="range"
                  min={0}
                  max={2}
                  step={0.05}
                  value={x.strength}
                  aria-valuetext={`× ${x.strength.toFixed(2)}`}
                  onChange={(e) => setStrength(i, Number(e.target.value))}
                />
              </label>
              <span className="value" aria-hidden="true">
                ×{x.strength.toFixed(2)}
              </span>
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
