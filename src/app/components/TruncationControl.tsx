/** Truncation: the slider, the two conventions, and what it trades. */
import { setMode, setTruncation } from '../actions/settings_actions';
import { useStore } from '../store/store';
import { MAX_TRUNCATION, MIN_TRUNCATION } from '../../core/latent/truncation';
import { Section } from './Section';

export function TruncationControl() {
  const t = useStore((s) => s.truncation);
  const mode = useStore((s) => s.mode);
  return (
    <Section title="Truncation" id="truncation" aside={<output htmlFor="truncation-input" className="value">{t.toFixed(2)}</output>}>
      <input
        id="truncation-input"
        data-testid="truncation"
        type="range"
        min={MIN_TRUNCATION}
        max={MAX_TRUNCATION}
        step={0.01}
        value={t}
        aria-label="Truncation"
        aria-describedby="truncation-help"
        onChange={(e) => setTruncation(Number(e.target.value))}
      />
      <p id="truncation-help" className="help">
        Lower: cleaner, more typical images but less variety. Higher: more variety, more odd ones.
      </p>
      <fieldset className="segmented">
        <legend className="sr-only">Truncation convention</legend>
        <label title="z = t × a normal cut at ±2, as TF Hub and BigGAN-deep's published samples (the truncation also picks BigGAN-deep's batch-norm statistics)">
          <input type="radio" name="mode" value="scaled" checked={mode === 'scaled'} onChange={() => setMode('scaled')} />
          <span>Scale z by t</span>
        </label>
        <label title="Values of z with |z| > t are redrawn, as in the BigGAN paper and BigGAN-PyTorch">
          <input type="radio" name="mode" value="threshold" checked={mode === 'threshold'} onChange={() => setMode('threshold')} />
          <span>Redraw |z| &gt; t</span>
        </label>
      </fieldset>
    </Section>
  );
}
