/** Parts shared by several kinds: the event-table notices, summary and CSV (events, block-io, connections). */
import { toCsv } from '@/lib/viz/csv';
import type { EventTableResult, ResultStats } from '@/lib/tools/types';
import { n, plural, type ResultNotice } from '@/lib/viz/notices-base';
import { cell } from '@/lib/cli/text';

export const MAX_TABLE_ROWS = 20;

export function statsLine(s: ResultStats): string {
  return `${s.records} records, ${s.lostEvents} events lost, ${s.malformedLines} malformed lines, ${s.helperErrors} helper errors`;
}

type Rows = Pick<EventTableResult, 'columns' | 'rows' | 'eventsSeen' | 'rowsDropped' | 'maxRows' | 'unparsedEvents' | 'stats'>;

export function eventNotices(result: Rows): ResultNotice[] {
  const out: ResultNotice[] = [];
  if (result.rowsDropped > 0) {
    out.push({
      level: 'warn',
      id: 'rows-dropped',
      text: `Showing the first ${n(result.rows.length)} of ${n(result.eventsSeen)} events: ${plural(result.rowsDropped, 'row')} past the ${n(result.maxRows)}-row cap ${result.rowsDropped === 1 ? 'was' : 'were'} not kept.`,
    });
  }
  if (result.unparsedEvents > 0) {
    out.push({
      level: 'warn',
      id: 'unparsed',
      text: `${plural(result.unparsedEvents, 'event')} could not be parsed and ${result.unparsedEvents === 1 ? 'is' : 'are'} not shown (kept in the raw output).`,
    });
  }
  return out;
}

/** A text table of the first rows (columns padded), for terminals. */
export function tableLines(cols: ReadonlyArray<{ key: string; label: string }>, rows: ReadonlyArray<Record<string, unknown>>, max = MAX_TABLE_ROWS): string[] {
  const out: string[] = [];
  const shown = rows.slice(0, max).map((row) => cols.map((c) => cell(row[c.key])));
  const widths = cols.map((c, i) => Math.max(c.label.length, ...shown.map((s) => s[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((s, i) => s.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  if (shown.length) {
    out.push(line(cols.map((c) => cell(c.label))));
    for (const s of shown) out.push(line(s));
    if (rows.length > shown.length) out.push(`... ${rows.length - shown.length} more rows (--json for all)`);
  }
  return out;
}

export function eventSummary(r: Rows): string[] {
  return [
    `${r.eventsSeen} events (${r.rows.length} rows kept, ${r.rowsDropped} over the row cap, ${r.unparsedEvents} unparsed); ${statsLine(r.stats)}`,
    ...tableLines(r.columns, r.rows),
  ];
}

export function eventCsv(r: Rows): string {
  return toCsv(
    r.columns.map((c) => ({ key: c.key, label: c.label })),
    r.rows,
  );
}
