/**
 * Event table filtering and sorting, pure so it is unit-tested and shared by the table and exports.
 *
 * A column filter is either a numeric condition on a numeric value (">10", ">= 2.5", "<1e6", "=0",
 * "!=0", "10..20" inclusive) or, otherwise, a case-insensitive substring of the displayed text or of
 * the raw value (so "ENOENT" finds errno 2 and "1.5 KiB" or "1536" both find a 1536-byte I/O).
 */
import type { EventCellValue, EventColumn } from '@/lib/tools/types';
import { formatCell } from '@/lib/viz/format';

export type CellPredicate = (value: EventCellValue | undefined) => boolean;

const CMP_RE = /^\s*(>=|<=|!=|=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;
const RANGE_RE = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*$/;

/** A numeric condition, or null when the text is not one. */
export function parseNumericFilter(text: string): ((n: number) => boolean) | null {
  const cmp = CMP_RE.exec(text);
  if (cmp) {
    const x = Number(cmp[2]);
    switch (cmp[1]) {
      case '>': return (n) => n > x;
      case '>=': return (n) => n >= x;
      case '<': return (n) => n < x;
      case '<=': return (n) => n <= x;
      case '=': return (n) => n === x;
      case '!=': return (n) => n !== x;
    }
  }
  const range = RANGE_RE.exec(text);
  if (range) {
    const lo = Math.min(Number(range[1]), Number(range[2]));
    const hi = Math.max(Number(range[1]), Number(range[2]));
    return (n) => n >= lo && n <= hi;
  }
  return null;
}

/** The predicate of one column filter; null for an empty filter (matches everything). */
export function columnPredicate(type: EventColumn['type'], text: string): CellPredicate | null {
  const t = text.trim();
  if (t === '') return null;
  const num = parseNumericFilter(t);
  if (num) return (v) => typeof v === 'number' && num(v);
  const needle = t.toLowerCase();
  return (v) => cellText(type, v).includes(needle);
}

/** Lowercased searchable text of a cell: its raw value and, if different, what is displayed. */
export function cellText(type: EventColumn['type'], v: EventCellValue | undefined): string {
  if (v === null || v === undefined) return '';
  const raw = String(v);
  const shown = formatCell(type, v).text;
  return (shown === raw ? raw : `${raw}\u0000${shown}`).toLowerCase();
}

/**
 * Searchable text of a whole row (all columns), cached per row object: a global filter over 100k rows
 * then costs one substring search per row per keystroke instead of re-formatting every cell.
 */
export function createRowTextIndex(columns: readonly EventColumn[]) {
  const cache = new WeakMap<object, string>();
  return (row: Record<string, EventCellValue>): string => {
    let s = cache.get(row);
    if (s === undefined) {
      s = columns.map((c) => cellText(c.type, row[c.key])).join('\u0001');
      cache.set(row, s);
    }
    return s;
  };
}

/**
 * Order of two cells: numbers numerically, strings by code point (locale comparison is too slow for
 * 100k rows and would hide byte differences), numbers before strings, empty cells always last
 * whichever the direction (the caller flips only the non-empty part, see sortRows).
 */
export function compareCells(a: EventCellValue | undefined, b: EventCellValue | undefined): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stable sort of rows by one column (a copy); empty cells last in both directions. */
export function sortRows<R extends Record<string, EventCellValue>>(rows: readonly R[], key: string, desc: boolean): R[] {
  const idx = rows.map((_, i) => i);
  idx.sort((i, j) => {
    const a = rows[i][key];
    const b = rows[j][key];
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (an || bn) return an === bn ? i - j : an ? 1 : -1;
    const c = compareCells(a, b);
    return (desc ? -c : c) || i - j;
  });
  return idx.map((i) => rows[i]);
}
