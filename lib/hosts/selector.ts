/**
 * Host selectors: pick hosts by tags and name globs. Pure (no database): a fleet run parses once and
 * matches every host of the inventory.
 *
 * Syntax (whitespace around terms is ignored):
 *   selector := term ( "," term )*           comma = AND: a host matches when every term does
 *   term     := key "=" pattern              the host has tag `key` and its value matches `pattern`
 *             | key "!=" pattern            the host has no tag `key`, or its value does not match
 *             | key                         the host has tag `key` (any value)
 *   key      := letters, digits, "_", ".", "/", "-" (starting with a letter or digit)
 *               `name` and `address` are not tags: they match the host's name and address
 *   pattern  := letters, digits and "_.:/@-", plus the globs "*" (any run of characters, also none)
 *               and "?" (exactly one character); matched against the whole value, case-sensitively
 * Examples: `role=web,az=b`, `name=db-*`, `role=web,env!=prod`, `gpu`.
 * There is no OR and no other glob syntax ([...] or {...} are errors): run two selections instead.
 */
export type Term = { key: string; op: '='; pattern: string } | { key: string; op: '!='; pattern: string } | { key: string; op: 'has' };

export interface Selector {
  /** the selector as given, trimmed */
  text: string;
  terms: Term[];
}

export interface SelectableHost {
  name: string;
  address: string;
  tags: Record<string, string>;
}

export class SelectorError extends Error {}

export const TAG_KEY = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/;
export const TAG_VALUE = /^[A-Za-z0-9_.:/@-]{0,128}$/;
const PATTERN = /^[A-Za-z0-9_.:/@*?-]{1,128}$/;
/** not tags: they select the host's own fields */
export const RESERVED_KEYS = new Set(['name', 'address']);

export function parseSelector(text: string): Selector {
  const trimmed = text.trim();
  if (trimmed === '') throw new SelectorError('the selector is empty: write terms like role=web,az=b or name=db-*');
  if (trimmed.length > 1024) throw new SelectorError('the selector is longer than 1024 characters');
  const terms: Term[] = [];
  for (const [i, raw] of trimmed.split(',').entries()) {
    const part = raw.trim();
    const where = `term ${i + 1} ("${part}")`;
    if (part === '') throw new SelectorError(`term ${i + 1} is empty (two commas, or a comma at an end)`);
    const m = /^([^=!]*)(!=|=)(.*)$/.exec(part);
    if (!m) {
      if (!TAG_KEY.test(part)) throw new SelectorError(`${where}: not a tag key (letters, digits, _ . / -) nor key=value`);
      if (RESERVED_KEYS.has(part)) throw new SelectorError(`${where}: "${part}" needs a pattern, e.g. ${part}=db-*`);
      terms.push({ key: part, op: 'has' });
      continue;
    }
    const key = m[1].trim();
    const pattern = m[3].trim();
    if (!TAG_KEY.test(key)) throw new SelectorError(`${where}: "${key}" is not a valid key (letters, digits, _ . / -)`);
    if (pattern === '') throw new SelectorError(`${where}: the pattern after ${m[2]} is empty`);
    if (!PATTERN.test(pattern)) {
      throw new SelectorError(`${where}: the pattern may hold letters, digits, _ . : / @ - and the globs * and ? only`);
    }
    terms.push({ key, op: m[2] as '=' | '!=', pattern });
  }
  return { text: trimmed, terms };
}

/** Compile a glob of `*` and `?` into an anchored RegExp (every other character literal). */
export function globToRegExp(pattern: string): RegExp {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(re + '$', 's');
}

function valueOf(host: SelectableHost, key: string): string | undefined {
  if (key === 'name') return host.name;
  if (key === 'address') return host.address;
  return Object.prototype.hasOwnProperty.call(host.tags, key) ? host.tags[key] : undefined;
}

export function matches(sel: Selector, host: SelectableHost): boolean {
  return sel.terms.every((t) => {
    const v = valueOf(host, t.key);
    if (t.op === 'has') return v !== undefined;
    const hit = v !== undefined && globToRegExp(t.pattern).test(v);
    return t.op === '=' ? hit : !hit;
  });
}

export function selectHosts<H extends SelectableHost>(sel: Selector | string, hosts: readonly H[]): H[] {
  const s = typeof sel === 'string' ? parseSelector(sel) : sel;
  return hosts.filter((h) => matches(s, h));
}

/** Parse "role=web az=b" / "role=web,az=b" / one per line into tags; errors name the bad entry. */
export function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const raw of text.split(/[\s,]+/)) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new SelectorError(`tag "${raw}": write key=value`);
    const key = raw.slice(0, eq);
    const value = raw.slice(eq + 1);
    checkTag(key, value);
    if (key in tags) throw new SelectorError(`tag "${key}" is given twice`);
    tags[key] = value;
  }
  return tags;
}

export function checkTag(key: string, value: string): void {
  if (!TAG_KEY.test(key)) throw new SelectorError(`tag key "${key}": letters, digits, _ . / - (at most 63)`);
  if (RESERVED_KEYS.has(key)) throw new SelectorError(`tag key "${key}" is reserved (it selects the host's own ${key})`);
  if (!TAG_VALUE.test(value)) throw new SelectorError(`tag ${key}: the value may hold letters, digits and _ . : / @ - (at most 128), no globs`);
}
