/** How many samples, from consecutive seeds (shown inside the seed panel). */
import { sampleSeed } from '../../core/latent/latent_request';
import { setBatch } from '../actions/settings_actions';
import { useStore } from '../store/store';
import { MAX_BATCH } from '../url_state';

const CHOICES = Array.from({ length: MAX_BATCH }, (_, i) => i + 1);

export function BatchControl() {
  const batch = useStore((s) => s.batch);
  const seed = useStore((s) => s.seed);
  const seedText = (n: number) => (n === 1 ? `${seed}` : `${seed} to ${sampleSeed(seed, n - 1)}`);
  return (
    <div className="row">
      <label htmlFor="batch-select" className="grow">
        Samples (seed{batch > 1 ? 's' : ''} {seedText(batch)})
      </label>
      <select id="batch-select" data-testid="batch" value={batch} onChange={(e) => setBatch(Number(e.target.value))}>
        {CHOICES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}
