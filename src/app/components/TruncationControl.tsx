/** Truncation: the slider, the two conventions, and what it trades. */
import { setMode, setTruncation } from '../actions/settings_actions';
import { useStore } from '../store/store';
import { MAX_TRUNCATION, MIN_TRUNCATION } from '../../core/latent/truncation';
import { Section } from './Section';

const MODE_HELP = {
  scaled:
    'Scale z by t: z is drawn from a normal cut at ±2, then every value is multiplied by t. Small t pulls every sample towards the same “average” image. This is what TF Hub and the released BigGAN-deep samples use (for BigGAN-deep and the TF Hub BigGAN, t also picks the batch-norm statistics).',
  threshold:
    'Redraw |z| > t: every value of z farther than t from zero is drawn again until it falls inside. Small t keeps z near zero, so samples get typical and alike. This is the paper’s “truncation trick” (BigGAN-PyTorch).',
} as const;

export function TruncationControl() {
  const t = useStore((s) => s.truncation);
  const mode = useStore((s) => s.mode);
  return (
    // A plain span, not <output>: that is a live region, and a slider drag would announce every step.
    <Section
      title="Truncation"
      id="truncation"
      aside={
        <span className="value" aria-hidden="true">
          {t.toFixed(2)}
        </span>
      }
    >
      <input
        id="truncation-input"
        data-testid="truncation"
        type="range"
        min={MIN_TRUNCATION}
        max={MAX_TRUNCATION}
        step={0.01}
        value={t}
        aria-label="Truncation"
        aria-valuetext={t.toFixed(2)}
        aria-describedby="truncation-help"
        onChange={(e) => setTruncation(Number(e.target.value))}
      />
      <p id="truncation-help" className="help">
        Lower: cleaner, more typical images but less variety. Higher: more variety, more odd ones.
      </p>
      <fieldset className="segmented">
        <legend className="sr-only">Truncation convention</legend>
        <label>
          <input
            type="radio"
            name="mode"
            value="scaled"
            checked={mode === 'scaled'}
            onChange={() => setMode('scaled')}
            aria-describedby="mode-help"
          />
          <span>Scale z by t</span>
        </label>
        <label>
          <input
            type="radio"
            name="mode"
            value="threshold"
            checked={mode === 'threshold'}
            onChange={() => setMode('threshold')}
            aria-describedby="mode-help"
          />
          <span>Redraw |z| &gt; t</span>
        </label>
      </fieldset>
      <p id="mode-help" className="help" data-testid="mode-help">
        {MODE_HELP[mode]}
      </p>
    </Section>
  );
}
