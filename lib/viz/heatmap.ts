/**
 * Heat map helpers (pure): the grid model of a latency heat map, bucket and offset labels with units,
 * and the logarithmic colour scale. Counts of I/O and latencies span orders of magnitude (one cell of
 * 10,000 beside many of 3), so a linear scale would show one hot cell and nothing else.
 */
import type { HistBucket } from '@/lib/bpftrace/types';
import type { LatencyHeatmapResult } from '@/lib/tools/types';
import { formatBytes, formatDuration, type TimeUnit } from '@/lib/viz/format';

// ---------------------------------------------------------------------------------------------
// Colour

/** Sequential palette, light (few) to dark (many): readable on white, and without relying on hue alone. */
export const HEAT_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [255, 247, 188],
  [254, 196, 79],
  [236, 112, 20],
  [204, 36, 29],
  [103, 0, 13],
];
/** colour of a zero cell */
export const EMPTY_CELL = 'rgb(248, 250, 252)';

/**
 * Dark mode (prefers-color-scheme: dark): the same idea on a dark page, dim (few) to bright (many), so
 * the hot cells still stand out most; zero cells are the card's dark colour.
 */
export const HEAT_STOPS_DARK: ReadonlyArray<readonly [number, number, number]> = [
  [74, 26, 80],
  [150, 36, 60],
  [222, 82, 30],
  [250, 172, 52],
  [255, 247, 188],
];
export const EMPTY_CELL_DARK = 'rgb(15, 23, 42)';

export type ColorScheme = 'light' | 'dark';

/** Position 0..1 of `count` on a log scale whose top is `max`: log(1 + count) / log(1 + max). */
export function logScale(count: number, max: number): number {
  if (!(count > 0) || !(max > 0)) return 0;
  return Math.min(1, Math.log1p(count) / Math.log1p(max));
}

/** RGB colour at position t (0..1) of HEAT_STOPS (or HEAT_STOPS_DARK), linearly interpolated. */
export function heatColorAt(t: number, scheme: ColorScheme = 'light'): string {
  const stops = scheme === 'dark' ? HEAT_STOPS_DARK : HEAT_STOPS;
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  const c = (k: number) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

/** Cell colour of `count` with the scale's top at `max`; zero cells are EMPTY_CELL. */
export function heatColor(count: number, max: number, scheme: ColorScheme = 'light'): string {
  if (!(count > 0)) return scheme === 'dark' ? EMPTY_CELL_DARK : EMPTY_CELL;
  // the smallest non-zero count still gets a visible tint (t >= 0.08)
  return heatColorAt(0.08 + 0.92 * logScale(count, max), scheme);
}

// ---------------------------------------------------------------------------------------------
// Latency grid

export interface LatencyGrid {
  /** y rows, lowest latency first (row 0 is drawn at the bottom) */
  rows: HistBucket[];
  /** number of x columns (one per second) */
  nCols: number;
  /** counts[col * rows.length + row] */
  counts: Float64Array;
  /** largest cell count */
  max: number;
  /** cells with a non-zero count */
  nonZero: number;
}

function bucketKey(b: HistBucket): string {
  return `${b.min ?? ''}:${b.max ?? ''}`;
}

function compareBounds(a: HistBucket, b: HistBucket): number {
  if (a.min === undefined || b.min === undefined) return (a.min === undefined ? 0 : 1) - (b.min === undefined ? 0 : 1);
  return a.min - b.min;
}

/** Rows = every bucket bound seen in the total or any column, sorted; cells = counts per (second, bucket). */
export function buildLatencyGrid(result: Pick<LatencyHeatmapResult, 'columns' | 'total'>): LatencyGrid {
  const byKey = new Map<string, HistBucket>();
  for (const b of result.total) byKey.set(bucketKey(b), { min: b.min, max: b.max, count: 0 });
  for (const c of result.columns) for (const b of c.buckets) if (!byKey.has(bucketKey(b))) byKey.set(bucketKey(b), { min: b.min, max: b.max, count: 0 });
  const rows = [...byKey.values()].sort(compareBounds);
  const index = new Map(rows.map((b, i) => [bucketKey(b), i]));
  const nCols = result.columns.length;
  const counts = new Float64Array(nCols * rows.length);
  let max = 0;
  let nonZero = 0;
  result.columns.forEach((c, ci) => {
    for (const b of c.buckets) {
      if (!(b.count > 0)) continue;
      const k = ci * rows.length + index.get(bucketKey(b))!;
      if (counts[k] === 0) nonZero++;
      counts[k] += b.count;
      if (counts[k] > max) max = counts[k];
    }
  });
  return { rows, nCols, counts, max, nonZero };
}

/** Human range of a latency bucket: "[64 µs, 128 µs)", "0 µs", "< 0 µs", ">= 1.05 s". */
export function latencyBucketLabel(b: HistBucket, unit: TimeUnit): string {
  if (b.min === undefined) return b.max === undefined ? 'any' : `< ${formatDuration(b.max + 1, unit)}`;
  if (b.max === undefined) return `>= ${formatDuration(b.min, unit)}`;
  if (b.min === b.max) return formatDuration(b.min, unit);
  return `[${formatDuration(b.min, unit)}, ${formatDuration(b.max + 1, unit)})`;
}

/** Short axis label of a bucket: its lower bound ("64 µs"), or the range end for a below-range bucket. */
export function latencyAxisLabel(b: HistBucket, unit: TimeUnit): string {
  if (b.min === undefined) return b.max === undefined ? '' : `< ${formatDuration(b.max + 1, unit)}`;
  return formatDuration(b.min, unit);
}

/**
 * Fractional row position of a latency value (for percentile markers): inside a log2 bucket on a log
 * scale, so p50 = 96 in [64, 128) sits at 0.58 of the row. -1 when no row holds it.
 */
export function valueRowPosition(rows: readonly HistBucket[], v: number): number {
  for (let i = 0; i < rows.length; i++) {
    const b = rows[i];
    const lo = b.min ?? -Infinity;
    const hi = b.max === undefined ? Infinity : b.max + 1;
    if (v >= lo && v < hi) {
      if (b.min === undefined || b.max === undefined || b.min <= 0) return i + 0.5;
      return i + Math.log2(v / b.min) / Math.log2(hi / b.min);
    }
  }
  // a percentile at the exact top end of the last bucket (rank = total)
  const last = rows[rows.length - 1];
  if (last && last.max !== undefined && v === last.max + 1) return rows.length;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Offset grid (biosnoop)

export const SECTOR_BYTES = 512;

/** Byte range of offset row `row`: "[1.5 GiB, 1.75 GiB)". */
export function offsetRowLabel(minSector: number, binSectors: number, row: number): string {
  const lo = (minSector + row * binSectors) * SECTOR_BYTES;
  const hi = lo + binSectors * SECTOR_BYTES;
  return `[${formatBytes(lo)}, ${formatBytes(hi)})`;
}

/** Sector range of offset row `row`, inclusive: "sectors 2048-4095". */
export function offsetRowSectors(minSector: number, binSectors: number, row: number): string {
  const lo = minSector + row * binSectors;
  return `sectors ${lo.toLocaleString('en-US')}–${(lo + binSectors - 1).toLocaleString('en-US')}`;
}

/** Largest cell count of a cells[time][offset] grid and its non-zero cell count. */
export function gridStats(cells: readonly (readonly number[])[]): { max: number; nonZero: number } {
  let max = 0;
  let nonZero = 0;
  for (const col of cells) {
    for (const v of col) {
      if (v > 0) {
        nonZero++;
        if (v > max) max = v;
      }
    }
  }
  return { max, nonZero };
}

/** Ticks for an axis of `n` cells: about `target` evenly spaced indexes (always including 0). */
export function axisTicks(n: number, target = 6): number[] {
  if (n <= 0) return [];
  const raw = Math.max(1, n / target);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  return out;
}
