/** Direction edits in the address: written by range and rank, read back, nonsense dropped with a notice. */
import { describe, expect, it } from 'vitest';
import { initialSettings } from './store/settings_slice';
import { buildSearch, parseUrlState } from './url_state';

describe('dir= in the address', () => {
  it('round-trips computed directions and leaves imported ones out', () => {
    const edits = [
      { key: '0:2', slots: [0], index: 2, amount: -1.8 },
      { key: '1-3:1', slots: [1, 2, 3], index: 1, amount: 3 },
      { key: 'all:0', slots: [0, 1, 2, 3], index: 0, amount: 0.25 },
      { key: 'named:zoom', slots: [0], index: 4, amount: 1 },
    ];
    const search = buildSearch({ ...initialSettings, edits }, null);
    expect(new URLSearchParams(search).get('dir')).toBe('0/2:-1.8,1-3/1:3,all/0:0.25');
    expect(parseUrlState(search).directionEdits).toEqual([
      { range: '0', index: 2, amount: -1.8 },
      { range: '1-3', index: 1, amount: 3 },
      { range: 'all', index: 0, amount: 0.25 },
    ]);
  });

  it('drops nonsense with a notice and keeps the rest', () => {
    const parsed = parseUrlState('?dir=0/1:2,0/1:9,x/1:1,0/1,0/1:NaN,2-4/0:-0.5');
    expect(parsed.directionEdits).toEqual([
      { range: '0', index: 1, amount: 2 },
      { range: '2-4', index: 0, amount: -0.5 },
    ]);
    expect(parsed.notices).toHaveLength(4);
    for (const n of parsed.notices) expect(n).toMatch(/^Ignored dir ".*": expected range\/index:amount/);
  });
});
