/**
 * Event tables of a fleet run (execsnoop, opensnoop, ext4slower, biosnoop, tcplife, tcpretrans): every
 * host's rows in one table with a Host column first, and the "fold identical rows" view that ClusterShell's
 * clubak gives to `clush` output: each distinct row once, with how many hosts printed it and which
 * (a node set, "fleet[11-13,31]"), so the one host that differs stands out.
 *
 * Rows never match across hosts in every column: times, pids and latencies differ by nature. A fold
 * therefore compares chosen columns; by default those that describe *what* happened (command,
 * arguments, path, flags, errno, direction, ...) and not when, which process instance or how long
 * (foldColumnsDefault). Both results are EventTableData, so components/viz/EventTable shows them. Pure.
 */
import type { EventCellValue, EventColumn, EventTableResult, ResultStats } from '@/lib/tools/types';
import { nodeSet, withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';

/** The event-table part of a result (BlockIoResult and ConnectionsResult have it too). */
export type EventTableData = Pick<EventTableResult, 'columns' | 'rows' | 'eventsSeen' | 'rowsDropped' | 'maxRows' | 'unparsedEvents' | 'stats'>;

export const EVENT_KINDS = ['events', 'block-io', 'connections'] as const;

/** Key of the host column (not a key any tool uses) */
export const HOST_KEY = 'fleetHost';
export const HOST_COLUMN: EventColumn = { key: HOST_KEY, label: 'Host', type: 'string', description: 'the fleet host whose run saw the event' };

export interface MergedEvents extends EventTableData {
  /** per host: events seen and rows dropped by its own row cap */
  perHost: Array<{ hostId: string; hostName: string; eventsSeen: number; rows: number; rowsDropped: number }>;
}

function addStats(a: ResultStats, b: ResultStats): void {
  a.records += b.records;
  a.lostEvents += b.lostEvents;
  a.malformedLines += b.malformedLines;
  a.helperErrors += b.helperErrors;
}

/** Every host's rows, host column first; columns are the first host's (the same tool has the same ones). */
export function mergeEvents(input: ReadonlyArray<FleetHostInput<unknown>>): MergedEvents {
  const hosts = withResult<EventTableData & { kind: string }>(input, EVENT_KINDS);
  const columns: EventColumn[] = [HOST_COLUMN];
  const seen = new Set<string>([HOST_KEY]);
  for (const h of hosts) {
    for (const c of h.result.columns) {
      if (!seen.has(c.key)) {
        seen.add(c.key);
        columns.push(c);
      }
    }
  }
  const rows: Array<Record<string, EventCellValue>> = [];
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  let eventsSeen = 0;
  let rowsDropped = 0;
  let maxRows = 0;
  let unparsedEvents = 0;
  const perHost: MergedEvents['perHost'] = [];
  for (const h of hosts) {
    const r = h.result;
    for (const row of r.rows) rows.push({ [HOST_KEY]: h.hostName, ...row });
    eventsSeen += r.eventsSeen;
    rowsDropped += r.rowsDropped;
    maxRows += r.maxRows;
    unparsedEvents += r.unparsedEvents;
    addStats(stats, r.stats);
    perHost.push({ hostId: h.hostId, hostName: h.hostName, eventsSeen: r.eventsSeen, rows: r.rows.length, rowsDropped: r.rowsDropped });
  }
  return { columns, rows, eventsSeen, rowsDropped, maxRows, unparsedEvents, stats, perHost };
}

/** Columns that say when, which process instance, how long or where on disk: left out of a fold by default. */
const INSTANCE_KEYS = new Set(['pid', 'ppid', 'tid', 'uid', 'lport', 'sector', 'offset', 'fd']);
const INSTANCE_TYPES = new Set<EventColumn['type']>(['time', 'duration_ms', 'float']);

/** The columns a fold compares unless told otherwise (never the host column). */
export function foldColumnsDefault(columns: readonly EventColumn[]): string[] {
  return columns.filter((c) => c.key !== HOST_KEY && !INSTANCE_TYPES.has(c.type) && !INSTANCE_KEYS.has(c.key)).map((c) => c.key);
}

export const FOLD_HOSTS_KEY = 'fleetHosts';
export const FOLD_NODESET_KEY = 'fleetNodeSet';
export const FOLD_EVENTS_KEY = 'fleetEvents';

export interface FoldedEvents extends EventTableData {
  /** the columns compared */
  compared: string[];
  /** distinct rows before the cap */
  distinct: number;
}

/**
 * Each distinct combination of the compared columns once, with its count of hosts, their node set and
 * its count of events; most hosts first (then most events). Capped at maxRows distinct rows (the rest counted).
 */
export function foldRows(merged: EventTableData, compare: readonly string[], maxRows = 10_000): FoldedEvents {
  const cols = compare.map((k) => merged.columns.find((c) => c.key === k)).filter((c): c is EventColumn => c !== undefined && c.key !== HOST_KEY);
  const groups = new Map<string, { row: Record<string, EventCellValue>; hosts: Set<string>; events: number }>();
  for (const row of merged.rows) {
    // JSON of the values: a separator character cannot make two different rows one key
    const key = JSON.stringify(cols.map((c) => row[c.key] ?? null));
    let g = groups.get(key);
    if (!g) {
      g = { row: Object.fromEntries(cols.map((c) => [c.key, row[c.key] ?? null])), hosts: new Set(), events: 0 };
      groups.set(key, g);
    }
    g.hosts.add(String(row[HOST_KEY] ?? ''));
    g.events++;
  }
  const sorted = [...groups.values()].sort((a, b) => b.hosts.size - a.hosts.size || b.events - a.events);
  const kept = sorted.slice(0, maxRows);
  const columns: EventColumn[] = [
    { key: FOLD_HOSTS_KEY, label: 'Hosts', type: 'int', description: 'how many hosts saw this row' },
    { key: FOLD_NODESET_KEY, label: 'Host set', type: 'string', description: 'which hosts, as a node set (ClusterShell notation)' },
    { key: FOLD_EVENTS_KEY, label: 'Events', type: 'int', description: 'how many times, over all hosts' },
    ...cols,
  ];
  return {
    columns,
    rows: kept.map((g) => ({ [FOLD_HOSTS_KEY]: g.hosts.size, [FOLD_NODESET_KEY]: nodeSet([...g.hosts]), [FOLD_EVENTS_KEY]: g.events, ...g.row })),
    eventsSeen: merged.eventsSeen,
    rowsDropped: sorted.length - kept.length,
    maxRows,
    unparsedEvents: merged.unparsedEvents,
    stats: merged.stats,
    compared: cols.map((c) => c.key),
    distinct: sorted.length,
  };
}
