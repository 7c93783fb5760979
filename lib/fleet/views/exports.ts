/**
 * Exports of a fleet run's results for one tool, each carrying the host:
 *   csv     event tables: a Host column first (RFC 4180, formula guard: lib/viz/csv.ts); latency: one
 *           line per host (count, p50/p90/p99, outlier); cachestat: one line per (host, second)
 *   json    event tables: rows with their host, and the counts per host
 *   folded  profile: every host's full stacks merged (lib/export/folded.ts), optionally `host;` first
 *   pprof   profile: the same stacks as one profile.proto (lib/export/pprof.ts), host as the root frame
 *           when prefixed
 * One function, fleetExport, makes every file, so a route and the CLI give the same bytes. Pure.
 */
import { foldedText } from '@/lib/export/folded';
import { pprofBytes } from '@/lib/export/pprof';
import { toCsv } from '@/lib/viz/csv';
import type { EventCellValue, TimeSeriesResult } from '@/lib/tools/types';
import { withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';
import { HOST_KEY, mergeEvents, type MergedEvents, EVENT_KINDS } from '@/lib/fleet/views/events';
import { mergedProfile } from '@/lib/fleet/views/flame';
import { latencyOverview } from '@/lib/fleet/views/latency';

export const FLEET_EXPORT_FORMATS = ['csv', 'json', 'folded', 'pprof'] as const;
export type FleetExportFormat = (typeof FLEET_EXPORT_FORMATS)[number];

export interface FleetExportOptions {
  /** folded, pprof: the host as the first frame (default true: a merged file should say whose stacks) */
  hostPrefix?: boolean;
  /** folded, pprof: "_[k]" after kernel frames (default true) */
  kernelSuffix?: boolean;
}

export interface FleetExportFile {
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string;
  /** file name ending: "csv", "folded.txt", ... */
  extension: string;
}

/** The comment line a CSV starts with when hosts' row caps dropped rows (as lib/export/formats.ts cappedCsvNote). */
export function fleetCappedNote(m: MergedEvents): string | null {
  if (m.rowsDropped <= 0) return null;
  const capped = m.perHost.filter((h) => h.rowsDropped > 0).map((h) => `${h.hostName.replace(/[\r\n]/g, ' ')} ${h.rowsDropped}`);
  return `# bpfdeck: first ${m.rows.length} of ${m.rows.length + m.rowsDropped} rows (row cap per host; dropped: ${capped.join(', ')})`;
}

export function fleetEventsCsv(m: MergedEvents): string {
  const csv = toCsv(
    m.columns.map((c) => ({ key: c.key, label: c.label })),
    m.rows,
  );
  const note = fleetCappedNote(m);
  return note ? `${note}\r\n${csv}` : csv;
}

export function fleetEventsJson(m: MergedEvents, meta: { toolId: string }): string {
  const rows = m.rows.map((r) => {
    const { [HOST_KEY]: host, ...rest } = r;
    return { host, ...rest };
  });
  return JSON.stringify({
    toolId: meta.toolId,
    columns: m.columns.filter((c) => c.key !== HOST_KEY),
    rows,
    eventsSeen: m.eventsSeen,
    rowsDropped: m.rowsDropped,
    perHost: m.perHost,
  });
}

export function fleetLatencyCsv(hosts: ReadonlyArray<FleetHostInput<unknown>>): string {
  const o = latencyOverview(hosts);
  const u = o.unit;
  const rows: Array<Record<string, EventCellValue>> = o.rows.map((r) => ({
    host: r.hostName,
    count: r.count,
    p50: r.cells.p50.value,
    p90: r.cells.p90.value,
    p99: r.cells.p99.value,
    outlier: r.outlier ? 'yes' : 'no',
  }));
  rows.push({ host: '(fleet)', count: o.fleet.count, p50: o.fleet.p50, p90: o.fleet.p90, p99: o.fleet.p99, outlier: '' });
  return toCsv(
    [
      { key: 'host', label: 'host' },
      { key: 'count', label: 'count' },
      { key: 'p50', label: `p50_${u}` },
      { key: 'p90', label: `p90_${u}` },
      { key: 'p99', label: `p99_${u}` },
      { key: 'outlier', label: 'outlier' },
    ],
    rows,
  );
}

export function fleetCacheCsv(input: ReadonlyArray<FleetHostInput<unknown>>): string {
  const rows: Array<Record<string, EventCellValue>> = [];
  for (const h of withResult<TimeSeriesResult>(input, ['timeseries'])) {
    for (const p of h.result.points) rows.push({ host: h.hostName, ...p });
  }
  return toCsv(
    [
      { key: 'host', label: 'host' },
      { key: 'tSec', label: 't_sec' },
      { key: 'hitsPerSec', label: 'hits_per_sec' },
      { key: 'missesPerSec', label: 'misses_per_sec' },
      { key: 'dirtiesPerSec', label: 'dirties_per_sec' },
      { key: 'hitRatioPct', label: 'hit_ratio_pct' },
    ],
    rows,
  );
}

/** Which result kind the hosts' results are (the first completed one's), or null. */
export function fleetKind(hosts: ReadonlyArray<FleetHostInput<unknown>>): string | null {
  for (const h of hosts) {
    const k = (h.result as { kind?: unknown } | null)?.kind;
    if (h.status === 'completed' && typeof k === 'string') return k;
  }
  return null;
}

/** Formats a fleet run's results of one tool offer (by their kind). */
export function fleetFormatsFor(kind: string | null): FleetExportFormat[] {
  if (kind === 'profile') return ['folded', 'pprof'];
  if (kind !== null && (EVENT_KINDS as readonly string[]).includes(kind)) return ['csv', 'json'];
  if (kind === 'latency-heatmap' || kind === 'timeseries') return ['csv'];
  return [];
}

/** The file of `format` for these hosts' results, or null when the format does not apply to their kind. */
export function fleetExport(
  hosts: ReadonlyArray<FleetHostInput<unknown>>,
  format: FleetExportFormat,
  meta: { toolId: string },
  opts: FleetExportOptions = {},
): FleetExportFile | null {
  const kind = fleetKind(hosts);
  if (!fleetFormatsFor(kind).includes(format)) return null;
  if (kind === 'profile') {
    const merged = mergedProfile(hosts, { hostPrefix: opts.hostPrefix ?? true });
    const kernelSuffix = opts.kernelSuffix === false ? '' : undefined;
    if (format === 'folded') return { body: foldedText(merged, { kernelSuffix }), contentType: 'text/plain; charset=utf-8', extension: 'folded.txt' };
    return { body: pprofBytes(merged, { kernelSuffix }), contentType: 'application/vnd.google.protobuf+gzip', extension: 'pb.gz' };
  }
  if (kind === 'latency-heatmap') return { body: fleetLatencyCsv(hosts), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
  if (kind === 'timeseries') return { body: fleetCacheCsv(hosts), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
  const m = mergeEvents(hosts);
  if (format === 'csv') return { body: fleetEventsCsv(m), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
  return { body: fleetEventsJson(m, meta), contentType: 'application/json; charset=utf-8', extension: 'json' };
}
