import { describe, expect, it } from 'vitest';
import { initialSettings } from './store/settings_slice';
import { buildSearch, parseUrlState } from './url_state';

describe('url state', () => {
  it('round-trips every field', () => {
    const settings = {
      ...initialSettings,
      classes: [
        { index: 207, weight: 0.7 },
        { index: 933, weight: 0.3 },
      ],
      truncation: 0.4,
      mode: 'threshold' as const,
      seed: 4294967295,
      batch: 9,
      current: 2,
      backendChoice: 'wasm' as const,
      slots: [
        { locked: false, strength: 1 },
        { locked: true, seed: 7, strength: 0.5 },
        { locked: false, seed: 9, strength: 1 },
      ],
    };
    const ref = { model: 'https://example.org/m/pytorch_model.bin', config: 'https://example.org/m/config.json' };
    const search = buildSearch(settings, ref);
    expect(search).toContain('class=207:0.7,933:0.3');
    const parsed = parseUrlState(search);
    expect(parsed.notices).toEqual([]);
    expect(parsed.modelRef).toEqual(ref);
    expect(parsed.classSpec).toBe('207:0.7,933:0.3');
    expect(parsed.settings).toEqual({
      truncation: 0.4,
      mode: 'threshold',
      seed: 4294967295,
      batch: 9,
      current: 2,
      backendChoice: 'wasm',
    });
    expect([...parsed.slotOverrides]).toEqual([
      [1, { locked: true, seed: 7, strength: 0.5 }],
      [2, { locked: false, seed: 9 }],
    ]);
  });

  it('drops nonsense with one notice per value', () => {
    const parsed = parseUrlState(
      '?model=nope&truncation=0&seed=1.5&batch=0&mode=x&backend=y&lock=a:1,2:-1&strength=1:9&current=20',
    );
    expect(parsed.modelRef).toBeUndefined();
    expect(parsed.settings).toEqual({});
    expect(parsed.slotOverrides.size).toBe(0);
    expect(parsed.notices).toHaveLength(10);
  });

  it('accepts catalog ids and same-site paths as models', () => {
    expect(parseUrlState('?model=biggan-deep-256').modelRef).toEqual({ model: 'biggan-deep-256' });
    expect(parseUrlState('?model=/models/x/model.json').modelRef).toEqual({ model: '/models/x/model.json' });
  });

  it('accepts well-formed hf: references and names the bad ones', () => {
    expect(parseUrlState('?model=hf:osanseviero/BigGAN-deep-128@main').modelRef).toEqual({
      model: 'hf:osanseviero/BigGAN-deep-128@main',
    });
    const bad = parseUrlState('?model=hf:no-slash');
    expect(bad.modelRef).toBeUndefined();
    expect(bad.notices.join(' ')).toMatch(/Unknown model "hf:no-slash"/);
  });
});
