/**
 * Class lookup for the UI and the CLI: a small ranked search over class names (ImageNet or any
 * list shaped like it) and the parser for class blends such as "207:0.7,golden retriever:0.3".
 */
import { SettingsError } from '../errors';

/** What the search needs from a class: its names (display name first) and, optionally, a wnid. */
export interface SearchableClass {
  readonly names: readonly string[];
  readonly wnid?: string;
}

export interface ClassHit {
  /** Index into the class list. */
  index: number;
  /** Higher is better; Math.floor(score / 100) is the match tier (see TIER). */
  score: number;
  /** What matched: the synonym, the wnid, or the index as text. */
  matched: string;
}

export interface ClassWeight {
  index: number;
  weight: number;
}

/** Match tiers, best first; a hit's score is tier + a bonus below 100. */
const TIER = {
  wnid: 1100,
  index: 1000,
  exactName: 900,
  wholeWords: 800,
  namePrefix: 700,
  wordPrefix: 600,
  wnidPrefix: 500,
  substring: 400,
  typo1: 300,
  typo2: 200,
} as const;

/** At most this many classes in one blend. */
export const MAX_BLEND_CLASSES = 4;

const WNID_RE = /^n\d{8}$/;

function normalise(s: string): string {
  return s.replace(/_/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
}

function isAlnum(ch: string): boolean {
  return /[\p{L}\p{N}]/u.test(ch);
}

/** Levenshtein distance, or max + 1 once it is certain to exceed max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** Typo budget: none under 5 letters, 1 edit up to 8, 2 edits from 9. */
function typoBudget(q: string): number {
  const letters = q.replace(/[^\p{L}]/gu, '').length;
  if (letters < 5) return 0;
  return letters >= 9 ? 2 : 1;
}

/** Best text tier of query q (normalised) against one normalised name, or 0. */
function nameTier(q: string, name: string, budget: number): number {
  if (name === q) return TIER.exactName;
  let best = 0;
  for (let p = name.indexOf(q); p >= 0; p = name.indexOf(q, p + 1)) {
    const startsWord = p === 0 || !isAlnum(name[p - 1]);
    const end = p + q.length;
    const endsWord = end === name.length || !isAlnum(name[end]);
    const t = !startsWord ? TIER.substring : endsWord ? TIER.wholeWords : p === 0 ? TIER.namePrefix : TIER.wordPrefix;
    if (t > best) best = t;
  }
  if (best > 0 || budget === 0) return best;
  // Typos: against the whole name, each of its words, and its prefix of the query's length.
  const targets = [name, ...name.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0)];
  if (name.length > q.length) targets.push(name.slice(0, q.length));
  let d = budget + 1;
  for (const t of targets) d = Math.min(d, editDistance(q, t, budget));
  if (d > budget) return 0;
  return d === 1 ? TIER.typo1 : TIER.typo2;
}

/**
 * Ranked, case-insensitive search: exact wnid, then the index (a numeric query), then an exact
 * name, whole words of a name ("retriever" finds every "... retriever", "cat" finds "tiger cat"
 * before "catamaran"), a name starting with the query, a word of a name starting with it, a wnid
 * prefix, a substring, and last names within 1 edit (queries of
 * 5+ letters; 2 edits from 9 letters: "cheesburger" finds "cheeseburger"). Each class appears
 * once, with its best hit; ties go to the display name (names[0]), then the shorter name, then
 * the lower index.
 */
export function searchClasses(classes: readonly SearchableClass[], query: string, limit = 20): ClassHit[] {
  const q = normalise(query);
  if (q === '' || limit <= 0) return [];
  const budget = typoBudget(q);
  const numeric = /^\d+$/.test(q) ? Number(q) : -1;
  const wnidQuery = /^n\d+$/.test(q);
  const hits: ClassHit[] = [];
  const tieLength: number[] = [];

  classes.forEach((cls, index) => {
    let bestScore = 0;
    let bestMatched = '';
    const offer = (score: number, matched: string): void => {
      if (score > bestScore || (score === bestScore && matched.length < bestMatched.length)) {
        bestScore = score;
        bestMatched = matched;
      }
    };
    if (index === numeric) offer(TIER.index + 50, String(index));
    const wnid = cls.wnid?.toLowerCase();
    if (cls.wnid !== undefined && wnid !== undefined && wnidQuery) {
      if (wnid === q) offer(TIER.wnid + 50, cls.wnid);
      else if (wnid.startsWith(q)) offer(TIER.wnidPrefix, cls.wnid);
    }
    cls.names.forEach((name, k) => {
      const tier = nameTier(q, normalise(name), budget);
      if (tier > 0) offer(tier + (k === 0 ? 50 : 40 - Math.min(k, 10)), name);
    });
    if (bestScore > 0) {
      hits.push({ index, score: bestScore, matched: bestMatched });
      tieLength.push(bestMatched.length);
    }
  });

  const order = hits.map((_, i) => i);
  order.sort((a, b) => hits[b].score - hits[a].score || tieLength[a] - tieLength[b] || hits[a].index - hits[b].index);
  return order.slice(0, limit).map((i) => hits[i]);
}

function describe(classes: readonly SearchableClass[], index: number): string {
  const c = classes[index];
  const wnid = c.wnid ? ` (${c.wnid})` : '';
  return `${index} "${c.names[0] ?? ''}"${wnid}`;
}

/** Resolves one class term (index, wnid, name or search) to an index; throws SettingsError. */
function resolveClass(term: string, classes: readonly SearchableClass[]): number {
  const q = normalise(term);
  if (q === '') throw new SettingsError('Empty class in the class spec; give an index, a wnid or a name.');
  const n = classes.length;

  if (/^\d+$/.test(q)) {
    const index = Number(q);
    if (!Number.isSafeInteger(index) || index >= n) {
      throw new SettingsError(`Class index ${q} is out of range; use 0..${n - 1}.`);
    }
    return index;
  }
  if (/^[+-]?\d*\.?\d+(e[+-]?\d+)?$/.test(q)) {
    throw new SettingsError(`Class index "${term.trim()}" is not a whole number in 0..${n - 1}.`);
  }

  if (WNID_RE.test(q)) {
    const index = classes.findIndex((c) => c.wnid?.toLowerCase() === q);
    if (index < 0) throw new SettingsError(`No class has the WordNet id ${q}.`);
    return index;
  }

  const exact: number[] = [];
  classes.forEach((c, i) => {
    if (c.names.some((name) => normalise(name) === q) || normalise(c.names.join(', ')) === q) {
      exact.push(i);
    }
  });
  if (exact.length === 1) return exact[0];
  if (exact.length > 1) {
    throw new SettingsError(
      `"${term.trim()}" names several classes: ${exact.map((i) => describe(classes, i)).join(', ')}. ` +
        'Use the index or the wnid.',
    );
  }

  const hits = searchClasses(classes, q, 8);
  if (hits.length === 0) {
    throw new SettingsError(`No class matches "${term.trim()}"; give a class index (0..${n - 1}), a wnid or a name.`);
  }
  const topTier = Math.floor(hits[0].score / 100);
  const sameTier = hits.filter((h) => Math.floor(h.score / 100) === topTier);
  if (sameTier.length === 1) return hits[0].index;
  throw new SettingsError(
    `"${term.trim()}" is ambiguous; close matches: ` +
      `${hits.map((h) => describe(classes, h.index)).join(', ')}. Use one of these names, its index or its wnid.`,
  );
}

/**
 * Parses a class spec from the CLI or a URL: comma-separated terms, each a class index ("207"),
 * a wnid ("n07697313"), a name or synonym ("golden retriever"), or a search that hits one class
 * best ("cheesburger"), optionally followed by ":weight" (default 1). Weights must be finite and
 * > 0 and are returned as given (the caller normalises); a class named twice has its weights
 * added. At most MAX_BLEND_CLASSES classes. Throws SettingsError with a message that says what
 * to change.
 */
export function parseClassSpec(spec: string, classes: readonly SearchableClass[]): ClassWeight[] {
  if (classes.length === 0) throw new SettingsError('There are no classes to choose from.');
  const trimmed = spec.trim();
  if (trimmed === '') {
    throw new SettingsError('The class spec is empty; give e.g. "207" or "207:0.7,933:0.3".');
  }

  // A whole ImageNet name pasted as is ("tench, Tinca tinca") is one class, not two.
  if (!trimmed.includes(':')) {
    const whole = normalise(trimmed);
    const i = classes.findIndex((c) => c.names.length > 1 && normalise(c.names.join(', ')) === whole);
    if (i >= 0) return [{ index: i, weight: 1 }];
  }

  const out: ClassWeight[] = [];
  for (const part of trimmed.split(',')) {
    if (part.trim() === '') {
      throw new SettingsError(`Empty entry in the class spec "${trimmed}"; remove the extra comma.`);
    }
    const colon = part.lastIndexOf(':');
    const term = colon >= 0 ? part.slice(0, colon) : part;
    let weight = 1;
    if (colon >= 0) {
      const text = part.slice(colon + 1).trim();
      weight = text === '' ? NaN : Number(text);
      if (!Number.isFinite(weight) || weight <= 0) {
        throw new SettingsError(`Weight "${text}" for "${term.trim()}" must be a finite number > 0 (e.g. "207:0.5").`);
      }
    }
    const index = resolveClass(term, classes);
    const same = out.find((e) => e.index === index);
    if (same) same.weight += weight;
    else out.push({ index, weight });
  }
  if (out.length > MAX_BLEND_CLASSES) {
    throw new SettingsError(`A blend takes at most ${MAX_BLEND_CLASSES} classes; the spec names ${out.length}.`);
  }
  return out;
}
