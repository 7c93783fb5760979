/** biolatency, runqlat: one log2 histogram per second, drawn as a heat map with p50/p90/p99. */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import type { EventCellValue, LatencyHeatmapResult } from '@/lib/tools/types';
import { toCsv, type CsvColumn } from '@/lib/viz/csv';
import { plural, type ResultNotice } from '@/lib/viz/notices-base';
import { statsLine } from '@/lib/results/kinds/common';

export function latencyNotices(result: LatencyHeatmapResult): ResultNotice[] {
  const out: ResultNotice[] = [];
  if (result.lostInSwitch != null && result.lostInSwitch > 0) {
    out.push({
      level: 'warn',
      id: 'lost-in-switch',
      text: `${plural(result.lostInSwitch, 'latency', 'latencies')} counted in the kernel ${result.lostInSwitch === 1 ? 'was' : 'were'} not received (recorded while a histogram buffer was switched).`,
    });
  }
  if (result.unmatched != null && result.unmatched > 0) {
    out.push({
      level: 'info',
      id: 'unmatched',
      text: `${plural(result.unmatched, 'end')} whose start was not seen (begun before tracing) ${result.unmatched === 1 ? 'was' : 'were'} not measured.`,
    });
  }
  if (result.columnsDropped && result.columnsDropped > 0) {
    out.push({
      level: 'info',
      id: 'columns-dropped',
      text: `${plural(result.columnsDropped, 'second')} past the column cap ${result.columnsDropped === 1 ? 'is' : 'are'} in the totals but have no column of their own.`,
    });
  }
  if (result.unparsedRecords && result.unparsedRecords > 0) {
    out.push({
      level: 'warn',
      id: 'unparsed',
      text: `${plural(result.unparsedRecords, 'record')} did not fit this tool's output and ${result.unparsedRecords === 1 ? 'was' : 'were'} not used.`,
    });
  }
  return out;
}

export function latencyCsv(result: LatencyHeatmapResult): string {
  const u = result.unit;
  const columns: CsvColumn[] = [
    { key: 't', label: 't_sec' },
    { key: 'min', label: `bucket_min_${u}` },
    { key: 'max', label: `bucket_max_${u}` },
    { key: 'count', label: 'count' },
  ];
  const rows: Array<Record<string, EventCellValue>> = [];
  for (const col of result.columns) {
    for (const b of col.buckets) rows.push({ t: col.tSec, min: b.min ?? null, max: b.max ?? null, count: b.count });
  }
  return toCsv(columns, rows);
}

export function latencySummary(h: LatencyHeatmapResult): string[] {
  return [
    `${h.count} latencies over ${h.columns.length} s: p50 ${h.p50 ?? '-'} ${h.unit}, p90 ${h.p90 ?? '-'} ${h.unit}, p99 ${h.p99 ?? '-'} ${h.unit}; ${statsLine(h.stats)}`,
  ];
}

export const latencyHeatmapKind: ResultKindDescriptor<LatencyHeatmapResult, 'latency-heatmap'> = {
  kind: 'latency-heatmap',
  viz: 'latency-heatmap',
  label: 'Latency heat map',
  summary: latencySummary,
  notices: latencyNotices,
  csv: latencyCsv,
  isEmpty: (h) => h.count === 0 && h.columns.length === 0,
  exportFormats: ['csv'],
  compare: 'latency',
};
