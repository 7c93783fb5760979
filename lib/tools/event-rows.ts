/**
 * The bounded row store every event tool keeps (execsnoop, opensnoop, ext4slower, biosnoop, tcplife,
 * tcpretrans): the first maxRows rows are kept and later events only counted, so a run with millions
 * of events holds a bounded table. A live snapshot carries only the latest snapshotRows of them: a
 * partial result goes to every open dashboard each second; finish() carries all kept rows.
 */
import type { EventCellValue } from '@/lib/tools/types';

/** rows in a live snapshot: the latest ones */
export const DEFAULT_SNAPSHOT_ROWS = 1000;

export type EventRow = Record<string, EventCellValue>;

/** what every event result says about its rows */
export interface RowWindow<R> {
  rows: R[];
  /** events that became a row or would have (past maxRows they are only counted) */
  eventsSeen: number;
  /** events not among `rows` */
  rowsDropped: number;
  /** the most rows this result could hold (snapshotRows in a snapshot) */
  maxRows: number;
}

export interface EventRows<R> {
  /** count one event; keep its row while there is room. Returns the row's index, or -1 if dropped. */
  add(row: R): number;
  /** replace a kept row (a row is never changed in place: snapshots handed out keep what they showed) */
  replace(index: number, row: R): void;
  get(index: number): R;
  readonly eventsSeen: number;
  /** all kept rows (finish), or only the latest `latest` of them (snapshots) */
  view(latest?: number): RowWindow<R>;
}

export function createEventRows<R = EventRow>(maxRows: number): EventRows<R> {
  const rows: R[] = [];
  let eventsSeen = 0;
  return {
    add(row) {
      eventsSeen++;
      if (rows.length >= maxRows) return -1;
      rows.push(row);
      return rows.length - 1;
    },
    replace(index, row) {
      rows[index] = row;
    },
    get(index) {
      return rows[index];
    },
    get eventsSeen() {
      return eventsSeen;
    },
    view(latest) {
      const kept = latest === undefined ? rows.slice() : rows.slice(Math.max(0, rows.length - latest));
      return { rows: kept, eventsSeen, rowsDropped: eventsSeen - kept.length, maxRows: latest === undefined ? maxRows : latest };
    },
  };
}
