/**
 * Renders a value read from an untrusted file for an error message. A hostile file can hold a
 * 10 MB string, tuples nested 10k deep, or memo-shared structures that are exponentially large
 * when expanded, so this walks at most `maxDepth` levels and stops after `maxChars` characters:
 * its cost is bounded by `maxChars`, whatever the value is. No `String()` or `JSON.stringify` of
 * the value itself, which would recurse without bound.
 */
import { MAX_SHOWN_CHARS, MAX_SHOWN_DEPTH } from './limits';

export interface ShowOptions {
  maxChars?: number;
  maxDepth?: number;
}

export function showUntrusted(value: unknown, options: ShowOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_SHOWN_CHARS;
  const maxDepth = options.maxDepth ?? MAX_SHOWN_DEPTH;
  const out: string[] = [];
  let length = 0;
  // Throwing out of the walk is the cheapest way to stop every level at once.
  const full = new Error('full');
  const emit = (s: string): void => {
    if (length + s.length > maxChars) {
      out.push(s.slice(0, Math.max(0, maxChars - length)));
      throw full;
    }
    out.push(s);
    length += s.length;
  };
  const walk = (v: unknown, depth: number): void => {
    if (v === null || v === undefined) return emit(v === null ? 'None' : 'undefined');
    switch (typeof v) {
      case 'string':
        return emit(JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v));
      case 'number':
      case 'bigint':
      case 'boolean':
        return emit(String(v));
      case 'object':
        break;
      default:
        return emit(`<${typeof v}>`);
    }
    if (v instanceof Uint8Array) return emit(`<${v.length} bytes>`);
    const [open, close, items] = containerParts(v);
    if (!items) return emit(`<${className(v)}>`);
    if (depth >= maxDepth) return emit(`${open}...${close}`);
    emit(open);
    let first = true;
    for (const item of items) {
      if (!first) emit(', ');
      first = false;
      if (Array.isArray(item) && v instanceof Map) {
        walk(item[0], depth + 1);
        emit(': ');
        walk(item[1], depth + 1);
      } else {
        walk(item, depth + 1);
      }
    }
    emit(close);
  };
  try {
    walk(value, 0);
    return out.join('');
  } catch (err) {
    if (err !== full) throw err;
    return `${out.join('')}...`;
  }
}

/** A string from a file, cut to `maxChars` and quoted, for messages that name it. */
export function quoteUntrusted(text: string, maxChars = MAX_SHOWN_CHARS): string {
  return showUntrusted(text, { maxChars: maxChars + 2 });
}

function containerParts(v: object): [string, string, Iterable<unknown> | undefined] {
  if (Array.isArray(v)) return ['(', ')', v];
  if (v instanceof Map) return ['{', '}', v.entries()];
  if (v instanceof Set) return ['{', '}', v];
  return ['', '', undefined];
}

function className(v: object): string {
  const name = (v as { qualifiedName?: unknown }).qualifiedName;
  return typeof name === 'string'
    ? name
    : ((Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'object');
}
