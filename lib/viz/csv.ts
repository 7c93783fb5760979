/**
 * CSV of event rows (RFC 4180): comma separated, CRLF line ends, a header line of column labels, a
 * field quoted when it holds a comma, a quote, CR or LF (quotes doubled), or leading/trailing space
 * (spreadsheets trim those otherwise). Values are written raw (seconds, bytes, errno numbers), not as
 * displayed, so the file can be computed on. Used by the event table's download and by exports.
 */
import type { EventCellValue } from '@/lib/tools/types';

export interface CsvColumn {
  key: string;
  label: string;
}

export interface CsvOptions {
  /**
   * Prefix string cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start)
   * with a single quote. comm, paths and arguments are chosen by whoever runs a process on the traced
   * host, so a file downloaded from bpfdeck must not execute "=HYPERLINK(...)" when opened. Numbers
   * (negative errno, fds) are never touched. Default true.
   */
  guardFormulas?: boolean;
  /** line separator, default "\r\n" (RFC 4180) */
  eol?: string;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field. */
export function csvField(value: EventCellValue | undefined, guardFormulas = true): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = value;
  if (guardFormulas && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The whole file: a header line, then one line per row, each line ended by `eol`. */
export function toCsv(columns: readonly CsvColumn[], rows: ReadonlyArray<Record<string, EventCellValue>>, opts: CsvOptions = {}): string {
  const guard = opts.guardFormulas ?? true;
  const eol = opts.eol ?? '\r\n';
  const parts: string[] = [columns.map((c) => csvField(c.label, guard)).join(',') + eol];
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) line += ',';
      line += csvField(row[columns[i].key], guard);
    }
    parts.push(line + eol);
  }
  return parts.join('');
}
