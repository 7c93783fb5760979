/**
 * Brushing a time range on a heat map: the columns picked (inclusive, either order) and what they
 * select. A latency heat map's brush sums its one-second histograms into the histogram and
 * percentiles of that range; an offset heat map's brush (biosnoop) keeps the event rows completed in
 * that time. Pure.
 */
import type { HistBucket } from '@/lib/bpftrace/types';
import { percentile, sumHistograms, totalCount } from '@/lib/tools/histogram';
import type { EventCellValue, LatencyHeatmapResult } from '@/lib/tools/types';

export interface ColumnRange {
  /** first and last column brushed, inclusive, first <= last */
  from: number;
  to: number;
}

/** A range from two columns in any order, clamped to [0, nCols-1]; null when there are no columns. */
export function columnRange(a: number, b: number, nCols: number): ColumnRange | null {
  if (nCols <= 0) return null;
  const clamp = (c: number) => Math.max(0, Math.min(nCols - 1, Math.floor(c)));
  const x = clamp(a);
  const y = clamp(b);
  return { from: Math.min(x, y), to: Math.max(x, y) };
}

export interface LatencyRangeSummary {
  /** seconds since the run started: start of the first column, end of the last */
  fromSec: number;
  toSec: number;
  total: HistBucket[];
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/**
 * The summed histogram of columns from..to of a latency heat map. A column's tSec is the end of its
 * one-second interval (types.ts), so the range runs from the first column's tSec - 1 to the last's tSec.
 */
export function latencyRange(result: Pick<LatencyHeatmapResult, 'columns'>, range: ColumnRange): LatencyRangeSummary {
  const cols = result.columns.slice(range.from, range.to + 1);
  const total = sumHistograms(cols.map((c) => c.buckets));
  return {
    fromSec: Math.max(0, (cols[0]?.tSec ?? range.from + 1) - 1),
    toSec: cols[cols.length - 1]?.tSec ?? range.to + 1,
    total,
    count: totalCount(total),
    p50: percentile(total, 50),
    p90: percentile(total, 90),
    p99: percentile(total, 99),
  };
}

/** The time span of columns from..to of an offset heat map with `binSec`-wide columns starting at 0 s. */
export function offsetRangeSeconds(range: ColumnRange, binSec: number): { fromSec: number; toSec: number } {
  return { fromSec: range.from * binSec, toSec: (range.to + 1) * binSec };
}

/**
 * The rows whose `timeKey` (seconds since the run started) falls in [fromSec, toSec): the same rule
 * the heat map uses to put an event in a column (floor(t / binSec)). Rows without a time are left out.
 */
export function rowsInTime<R extends Record<string, EventCellValue>>(rows: readonly R[], timeKey: string, fromSec: number, toSec: number): R[] {
  return rows.filter((r) => {
    const t = r[timeKey];
    return typeof t === 'number' && t >= fromSec && t < toSec;
  });
}
