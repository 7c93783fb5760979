/**
 * Latency heat maps of a fleet run (biolatency, runqlat): each host's own heat map side by side, and an
 * overview of hosts x p50/p90/p99 in which the outlier host stands out. Plus the fleet's merged
 * histogram (every host's latencies summed) for the overview's "fleet" row. Pure.
 *
 * Outliers are judged per percentile against the fleet's median host, robustly (the median and the
 * median absolute deviation: one very slow host does not drag the yardstick along, as a mean would):
 * a host is an outlier when its value is at least OUTLIER_RATIO x the median AND, where the hosts vary
 * at all, more than OUTLIER_MADS scaled MADs above it. Hosts with fewer than MIN_COUNT latencies are
 * never judged (three I/Os say nothing about a host).
 */
import type { HistBucket } from '@/lib/bpftrace/types';
import { fillLog2Gaps, percentile, sumHistograms } from '@/lib/tools/histogram';
import type { LatencyHeatmapResult } from '@/lib/tools/types';
import { withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';

export const OUTLIER_RATIO = 2;
export const OUTLIER_MADS = 3;
export const MIN_COUNT = 20;

const PERCENTILES = ['p50', 'p90', 'p99'] as const;
export type PercentileName = (typeof PERCENTILES)[number];
type Unit = LatencyHeatmapResult['unit'];
const TO_NS: Record<Unit, number> = { ns: 1, us: 1e3, ms: 1e6 };

export interface LatencyCell {
  /** in the overview's unit; null when the host had no latencies */
  value: number | null;
  /** value / the fleet's median host (null when either is missing or the median is 0) */
  ratio: number | null;
  outlier: boolean;
}

export interface LatencyOverviewRow {
  hostId: string;
  hostName: string;
  count: number;
  cells: Record<PercentileName, LatencyCell>;
  /** any of its percentiles is an outlier */
  outlier: boolean;
}

export interface LatencyOverview {
  unit: Unit;
  rows: LatencyOverviewRow[];
  /** the median host's value per percentile */
  median: Record<PercentileName, number | null>;
  /** every host's latencies summed: the fleet as one histogram */
  fleet: { count: number; p50: number | null; p90: number | null; p99: number | null; total: HistBucket[] };
  /** hosts that were not judged (too few latencies) */
  tooFew: string[];
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Buckets of `from` unit rescaled to `to` (bpftrace buckets are integers in the tool's unit). */
function rescale(buckets: readonly HistBucket[], from: Unit, to: Unit): HistBucket[] {
  if (from === to) return [...buckets];
  const f = TO_NS[from] / TO_NS[to];
  return buckets.map((b) => ({
    count: b.count,
    ...(b.min !== undefined ? { min: Math.round(b.min * f) } : {}),
    ...(b.max !== undefined ? { max: Math.round((b.max + 1) * f) - 1 } : {}),
  }));
}

export function latencyOverview(input: ReadonlyArray<FleetHostInput<unknown>>): LatencyOverview {
  const hosts = withResult<LatencyHeatmapResult>(input, ['latency-heatmap']);
  const unit: Unit = hosts[0]?.result.unit ?? 'us';
  const conv = (v: number | null, from: Unit) => (v === null ? null : (v * TO_NS[from]) / TO_NS[unit]);
  const rows: LatencyOverviewRow[] = hosts.map((h) => ({
    hostId: h.hostId,
    hostName: h.hostName,
    count: h.result.count,
    cells: Object.fromEntries(PERCENTILES.map((p) => [p, { value: conv(h.result[p], h.result.unit), ratio: null, outlier: false }])) as Record<
      PercentileName,
      LatencyCell
    >,
    outlier: false,
  }));
  const judged = rows.filter((r) => r.count >= MIN_COUNT);
  const med = {} as Record<PercentileName, number | null>;
  for (const p of PERCENTILES) {
    const vals = judged.map((r) => r.cells[p].value).filter((v): v is number => v !== null);
    const m = median(vals);
    med[p] = m;
    const mad = m === null ? null : median(vals.map((v) => Math.abs(v - m)));
    for (const r of rows) {
      const c = r.cells[p];
      c.ratio = c.value !== null && m !== null && m > 0 ? c.value / m : null;
      // with fewer than 3 judged hosts there is no majority to stand out from
      if (judged.length < 3 || r.count < MIN_COUNT || c.value === null || m === null || c.ratio === null) continue;
      const spreadOk = mad === null || mad === 0 || (c.value - m) / (1.4826 * mad) > OUTLIER_MADS;
      c.outlier = c.ratio >= OUTLIER_RATIO && spreadOk;
    }
  }
  for (const r of rows) r.outlier = PERCENTILES.some((p) => r.cells[p].outlier);
  const total = sumHistograms(hosts.map((h) => rescale(h.result.total, h.result.unit, unit)));
  const count = total.reduce((a, b) => a + b.count, 0);
  return {
    unit,
    rows,
    median: med,
    fleet: { count, p50: percentile(total, 50), p90: percentile(total, 90), p99: percentile(total, 99), total },
    tooFew: rows.filter((r) => r.count < MIN_COUNT).map((r) => r.hostName),
  };
}

/** Hosts' heat maps in one order for the side-by-side view: outliers first, then by name. */
export function heatmapOrder(overview: LatencyOverview): string[] {
  return [...overview.rows].sort((a, b) => Number(b.outlier) - Number(a.outlier) || (a.hostName < b.hostName ? -1 : 1)).map((r) => r.hostId);
}

/**
 * The hosts' results with one set of latency rows: each host's `total` padded with empty buckets to
 * the union of every host's bucket bounds (log2 gaps filled), so heat maps side by side share their
 * y axis (components/viz/LatencyHeatmap takes its rows from `total` and the columns). Counts unchanged.
 */
export function alignLatencyRows<R extends Pick<LatencyHeatmapResult, 'total' | 'columns'>>(results: readonly R[]): R[] {
  const key = (b: HistBucket) => `${b.min ?? ''}:${b.max ?? ''}`;
  const all = new Map<string, HistBucket>();
  for (const r of results) {
    for (const b of r.total) all.set(key(b), { ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}), count: 0 });
    for (const c of r.columns)
      for (const b of c.buckets) all.set(key(b), { ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}), count: 0 });
  }
  const union = fillLog2Gaps(
    [...all.values()].sort((a, b) =>
      a.min === undefined || b.min === undefined ? (a.min === undefined ? 0 : 1) - (b.min === undefined ? 0 : 1) : a.min - b.min,
    ),
  );
  return results.map((r) => {
    const own = new Map(r.total.map((b) => [key(b), b.count]));
    return { ...r, total: union.map((b) => ({ ...b, count: own.get(key(b)) ?? 0 })) };
  });
}
