/**
 * CSV of a tool result, for the kinds that are tables: event tables (execsnoop, biosnoop, tcplife,
 * ...) row for row with toCsv (lib/viz/csv.ts: RFC 4180, formula guard), latency heat maps as one line
 * per (second, bucket), and time series one line per point. Flame graphs have no CSV (folded stacks
 * instead): null.
 */
import { toCsv, type CsvColumn } from '@/lib/viz/csv';
import type { EventCellValue, ToolResult } from '@/lib/tools/types';

export function resultToCsv(result: ToolResult): string | null {
  switch (result.kind) {
    case 'events':
    case 'block-io':
    case 'connections':
      return toCsv(
        result.columns.map((c) => ({ key: c.key, label: c.label })),
        result.rows,
      );
    case 'latency-heatmap': {
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
    case 'timeseries':
      return toCsv(
        [
          { key: 'tSec', label: 't_sec' },
          { key: 'hitsPerSec', label: 'hits_per_sec' },
          { key: 'missesPerSec', label: 'misses_per_sec' },
          { key: 'dirtiesPerSec', label: 'dirties_per_sec' },
          { key: 'hitRatioPct', label: 'hit_ratio_pct' },
        ],
        result.points as unknown as Array<Record<string, EventCellValue>>,
      );
    default:
      return null;
  }
}
