import { describe, expect, it } from 'vitest';
import { IMAGENET_CLASSES } from './imagenet_classes';
import { editDistance, parseClassSpec, searchClasses } from './class_search';
import { SettingsError } from '../errors';

const C = IMAGENET_CLASSES;
const top = (q: string, limit?: number) => searchClasses(C, q, limit).map((h) => h.index);

describe('IMAGENET_CLASSES', () => {
  it('has 1000 classes with the ILSVRC anchors', () => {
    expect(C).toHaveLength(1000);
    expect(C[0]).toEqual({ wnid: 'n01440764', names: ['tench', 'Tinca tinca'] });
    expect(C[207]).toEqual({ wnid: 'n02099601', names: ['golden retriever'] });
    expect(C[933].wnid).toBe('n07697313');
    expect(C[933].names[0]).toBe('cheeseburger');
    expect(C[999].wnid).toBe('n15075141');
    expect(C[999].names[0]).toBe('toilet tissue');
  });

  it('has well-formed, strictly increasing wnids (the ILSVRC order)', () => {
    for (let i = 0; i < C.length; i++) {
      expect(C[i].wnid).toMatch(/^n\d{8}$/);
      expect(C[i].names.length).toBeGreaterThan(0);
      for (const n of C[i].names) expect(n).toBe(n.trim());
      if (i > 0) expect(C[i].wnid > C[i - 1].wnid, `wnid ${i}`).toBe(true);
    }
  });

  it('picked the ILSVRC sense where WordNet has several', () => {
    expect(C[456]).toEqual({ wnid: 'n02879718', names: ['bow'] });
    expect(C[134].wnid).toBe('n02012849'); // crane, the bird
    expect(C[517].wnid).toBe('n03126707'); // crane, the machine
  });
});

describe('searchClasses', () => {
  it('finds an exact wnid first', () => {
    const hits = searchClasses(C, 'n02099601');
    expect(hits[0]).toMatchObject({ index: 207, matched: 'n02099601' });
    expect(searchClasses(C, 'N02099601')[0].index).toBe(207);
  });

  it('matches a numeric query to the index', () => {
    expect(searchClasses(C, '207')[0]).toMatchObject({ index: 207, matched: '207' });
    expect(searchClasses(C, ' 933 ')[0].index).toBe(933);
  });

  it('finds every retriever by word prefix', () => {
    const hits = top('retriever');
    expect(hits.slice(0, 5).sort((a, b) => a - b)).toEqual([205, 206, 207, 208, 209]);
    expect(C[205].names[0]).toBe('flat-coated retriever');
    expect(C[208].names[0]).toBe('Labrador retriever');
  });

  it('finds golden retriever by its first word, case-insensitively', () => {
    expect(top('golden')[0]).toBe(207);
    expect(top('GOLDEN RETR')[0]).toBe(207);
    expect(top('Golden Retriever')[0]).toBe(207);
  });

  it('ranks the exact name first', () => {
    expect(top('cheeseburger')[0]).toBe(933);
    expect(top('hen')[0]).toBe(8);
    expect(top('Tinca tinca')[0]).toBe(0);
  });

  it('ranks whole words above prefixes above substrings', () => {
    const byName = (n: string) => C.findIndex((c) => c.names[0] === n);
    const cat = top('cat', 50);
    expect(C[cat[0]].names.join(' ')).toMatch(/\bcat\b/i);
    expect(cat.indexOf(byName('tiger cat'))).toBeLessThan(cat.indexOf(byName('catamaran')));
    const fish = top('fish', 50);
    expect(fish.indexOf(byName('anemone fish'))).toBeLessThan(fish.indexOf(byName('goldfish')));
    const horn = top('horn', 50);
    expect(horn.indexOf(byName('French horn'))).toBeLessThan(horn.indexOf(byName('hornbill')));
    expect(horn.indexOf(byName('hornbill'))).toBeLessThan(horn.indexOf(byName('bighorn')));
    expect(horn.indexOf(byName('bighorn'))).toBeGreaterThan(0);
    const hits = searchClasses(C, 'cat');
    for (let k = 1; k < hits.length; k++) expect(hits[k].score).toBeLessThanOrEqual(hits[k - 1].score);
  });

  it('tolerates one typo in longer queries', () => {
    expect(top('cheesburger')[0]).toBe(933);
    expect(
      top('retreiver')
        .slice(0, 5)
        .sort((a, b) => a - b),
    ).toEqual([205, 206, 207, 208, 209]);
    expect(top('tnch')).not.toContain(0); // under 5 letters: no typo tolerance
  });

  it('respects the limit and empty queries', () => {
    expect(searchClasses(C, 'dog', 3)).toHaveLength(3);
    expect(searchClasses(C, '   ')).toEqual([]);
    expect(searchClasses(C, 'zzzzqqqq')).toEqual([]);
  });

  it('works on classes without wnids', () => {
    const mine = [{ names: ['alpha'] }, { names: ['beta', 'second'] }];
    expect(searchClasses(mine, 'sec')).toEqual([{ index: 1, score: expect.any(Number), matched: 'second' }]);
    expect(searchClasses(mine, '0')[0].index).toBe(0);
  });
});

describe('editDistance', () => {
  it('computes bounded Levenshtein distance', () => {
    expect(editDistance('cheesburger', 'cheeseburger', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('abc', 'abcdef', 1)).toBe(2);
  });
});

describe('parseClassSpec', () => {
  it('parses an index, a name, a wnid and a typo', () => {
    expect(parseClassSpec('207', C)).toEqual([{ index: 207, weight: 1 }]);
    expect(parseClassSpec('golden retriever', C)).toEqual([{ index: 207, weight: 1 }]);
    expect(parseClassSpec('Golden_Retriever', C)).toEqual([{ index: 207, weight: 1 }]);
    expect(parseClassSpec('n07697313', C)).toEqual([{ index: 933, weight: 1 }]);
    expect(parseClassSpec('cheesburger', C)).toEqual([{ index: 933, weight: 1 }]);
    expect(parseClassSpec('golden', C)).toEqual([{ index: 207, weight: 1 }]);
    expect(parseClassSpec('Tinca tinca', C)).toEqual([{ index: 0, weight: 1 }]);
    expect(parseClassSpec('tench, Tinca tinca', C)).toEqual([{ index: 0, weight: 1 }]);
  });

  it('parses weighted blends, weights as given', () => {
    expect(parseClassSpec('207:0.7,933:0.3', C)).toEqual([
      { index: 207, weight: 0.7 },
      { index: 933, weight: 0.3 },
    ]);
    expect(parseClassSpec(' golden retriever : 0.5 , n07697313:0.5 ', C)).toEqual([
      { index: 207, weight: 0.5 },
      { index: 933, weight: 0.5 },
    ]);
    expect(parseClassSpec('1:2,2:3,3:1e-3,4', C)).toEqual([
      { index: 1, weight: 2 },
      { index: 2, weight: 3 },
      { index: 3, weight: 0.001 },
      { index: 4, weight: 1 },
    ]);
    expect(parseClassSpec('207:1,golden retriever:2', C)).toEqual([{ index: 207, weight: 3 }]);
  });

  const bad = (spec: string, message: RegExp) => {
    expect(() => parseClassSpec(spec, C)).toThrow(SettingsError);
    expect(() => parseClassSpec(spec, C)).toThrow(message);
  };

  it('rejects bad weights', () => {
    bad('207:0', /finite number > 0/);
    bad('207:-1', /finite number > 0/);
    bad('207:abc', /finite number > 0/);
    bad('207:', /finite number > 0/);
    bad('207:Infinity', /finite number > 0/);
    bad('207:NaN', /finite number > 0/);
  });

  it('rejects out-of-range indices, unknown wnids and empty specs', () => {
    bad('1000', /out of range; use 0\.\.999/);
    bad('-1', /not a whole number/);
    bad('2.5', /not a whole number/);
    bad('n00000001', /No class has the WordNet id n00000001/);
    bad('', /empty/);
    bad('207,,933', /Empty entry/);
  });

  it('rejects more than 4 classes', () => {
    bad('1,2,3,4,5', /at most 4 classes/);
  });

  it('rejects ambiguous names, listing the close matches', () => {
    bad('retriever', /ambiguous; close matches: .*207 "golden retriever" \(n02099601\)/);
    bad('crane', /names several classes: 134 "crane" \(n02012849\), 517 "crane" \(n03126707\)/);
    bad('qqqqzzzz', /No class matches "qqqqzzzz"/);
  });
});
