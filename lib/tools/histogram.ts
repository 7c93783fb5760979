/**
 * log2 histograms as bpftrace's hist() prints them, and the parser shared by the latency heat map tools
 * (biolatency, runqlat).
 *
 * Buckets (FORMAT.md, identical in 0.17 and 0.23): {min: 0, max: 0} holds zeros, then powers of two
 * {min: 2^k, max: 2^(k+1) - 1}; negative values go in {max: -1} (no min). bpftrace drops leading and
 * trailing empty buckets and keeps empty ones in between.
 *
 * Values are integers truncated from a finer clock (microseconds = ns / 1000), so a bucket [min, max]
 * holds true values in [min, max + 1): percentiles interpolate linearly over that interval.
 */
import type { BtRecord, HistBucket } from '@/lib/bpftrace/types';
import type { LatencyColumn, LatencyHeatmapResult, ResultStats } from '@/lib/tools/types';
import { countRecord } from '@/lib/tools/record-stats';

// ---------------------------------------------------------------------------------------------
// Bucket math (pure)

/** Order: below-range (no min) first, the rest by min (an at-or-above bucket has the highest min). */
function compareBuckets(a: HistBucket, b: HistBucket): number {
  if (a.min === undefined || b.min === undefined) return (a.min === undefined ? 0 : 1) - (b.min === undefined ? 0 : 1);
  return a.min - b.min;
}

function bucketId(b: HistBucket): string {
  return `${b.min ?? ''}:${b.max ?? ''}`;
}

export function totalCount(buckets: readonly HistBucket[]): number {
  let n = 0;
  for (const b of buckets) n += b.count;
  return n;
}

/** The log2 bucket after `b` ([0,0] -> [1,1], [2^k, 2^(k+1)-1] -> [2^(k+1), 2^(k+2)-1]); null if b is not log2. */
export function nextLog2Bucket(b: HistBucket): HistBucket | null {
  if (b.min === undefined || b.max === undefined) return null;
  const min = b.max + 1;
  if (!(b.min === 0 && b.max === 0) && !(b.min > 0 && b.max === 2 * b.min - 1)) return null;
  return { min, max: 2 * min - 1, count: 0 };
}

/**
 * Add histograms bucket by bucket. Buckets are identified by their bounds; the result is sorted and,
 * between log2 buckets, has the empty buckets bpftrace itself would print, so consecutive buckets of
 * the total are contiguous. Leading and trailing empty buckets are dropped. Inputs are not modified.
 */
export function sumHistograms(hists: ReadonlyArray<readonly HistBucket[]>): HistBucket[] {
  const byId = new Map<string, HistBucket>();
  for (const h of hists) {
    for (const b of h) {
      const id = bucketId(b);
      const acc = byId.get(id);
      if (acc) acc.count += b.count;
      else byId.set(id, { ...b });
    }
  }
  const sorted = [...byId.values()].sort(compareBuckets);
  return trimEmpty(fillLog2Gaps(sorted));
}

/** Insert empty log2 buckets between non-contiguous log2 buckets of a sorted list. */
export function fillLog2Gaps(sorted: readonly HistBucket[]): HistBucket[] {
  const out: HistBucket[] = [];
  for (const b of sorted) {
    const prev = out[out.length - 1];
    if (prev && b.min !== undefined && prev.max !== undefined) {
      // at most 64 log2 buckets: the loop is bounded even for absurd input
      let next = nextLog2Bucket(prev);
      for (let i = 0; next && next.min! < b.min && i < 64; i++) {
        out.push(next);
        next = nextLog2Bucket(next);
      }
    }
    out.push({ ...b });
  }
  return out;
}

function trimEmpty(buckets: HistBucket[]): HistBucket[] {
  let lo = 0;
  let hi = buckets.length;
  while (lo < hi && buckets[lo].count === 0) lo++;
  while (hi > lo && buckets[hi - 1].count === 0) hi--;
  return buckets.slice(lo, hi);
}

/**
 * The p-th percentile (0 < p <= 100) of a histogram, by linear interpolation inside the bucket that
 * holds the rank p/100 * total: a bucket [min, max] spans [min, max + 1) (values are truncated
 * integers). The below-range bucket (no min) gives its max, the at-or-above one (no max) its min: no
 * better estimate exists. null for an empty histogram or p out of range.
 */
export function percentile(buckets: readonly HistBucket[], p: number): number | null {
  if (!(p > 0 && p <= 100)) return null;
  const total = totalCount(buckets);
  if (total <= 0) return null;
  const sorted = [...buckets].sort(compareBuckets);
  const rank = (p / 100) * total;
  let before = 0;
  for (const b of sorted) {
    if (b.count <= 0) continue;
    if (before + b.count >= rank) {
      if (b.min === undefined) return b.max ?? null;
      if (b.max === undefined) return b.min;
      const frac = (rank - before) / b.count;
      return b.min + frac * (b.max + 1 - b.min);
    }
    before += b.count;
  }
  // rounding: the rank is the total itself
  const last = sorted[sorted.length - 1];
  return last.max !== undefined ? last.max + 1 : (last.min ?? null);
}

// ---------------------------------------------------------------------------------------------
// The heat map parser (biolatency.bt / runqlat.bt protocol, see their headers)

/** "tick\x1f<elapsed ns>\n" before each 1 s histogram; "end\x1f<elapsed ns>\n" from END. */
const MARKER_RE = /^(tick|end)\x1f(\d+)\n?$/;

export const DEFAULT_MAX_COLUMNS = 3_600;

export interface LatencyHeatmapParserOptions {
  unit: LatencyHeatmapResult['unit'];
  /** the double-buffered histogram maps, e.g. ['@usecs_a', '@usecs_b'] */
  histMaps: readonly string[];
  /** unkeyed count() map holding the kernel's own total of recorded latencies (e.g. '@ios') */
  countMap: string;
  /** unkeyed count() map of ends whose start was not seen (e.g. '@unmatched'), if the script has one */
  unmatchedMap?: string;
  /** keyed map of starts whose end was not seen, left for the exit dump (e.g. '@start'): its keys are counted */
  pendingMap?: string;
  /**
   * keyed maps the script clears in END that may still be printed by the exit dump (the probes stay
   * attached until bpftrace exits), e.g. runqlat's '@qtime': expected, ignored
   */
  scratchMaps?: readonly string[];
  /** columns kept (one per second); later seconds still go into the total and are counted */
  maxColumns?: number;
}

export type LatencyMarker = { kind: 'tick' | 'end'; elapsedNs: number };

export function parseMarker(text: string): LatencyMarker | null {
  const m = MARKER_RE.exec(text);
  if (!m) return null;
  const elapsedNs = Number(m[2]);
  return Number.isSafeInteger(elapsedNs) ? { kind: m[1] as 'tick' | 'end', elapsedNs } : null;
}

/**
 * Incremental parser: a marker opens a column at its time; the histogram records that follow add to
 * it (the 1 s histogram printed by the same interval probe, or at exit both buffers). Seconds without
 * data get an empty column (bpftrace prints nothing for an empty hist). Memory: at most maxColumns
 * columns of at most ~66 buckets, and one running total.
 */
export function createLatencyHeatmapParser(opts: LatencyHeatmapParserOptions) {
  const maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const histMaps = new Set(opts.histMaps);
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const columns: LatencyColumn[] = [];
  /** the total so far, as a list of histograms to sum lazily; folded into one every so often */
  let totalParts: HistBucket[][] = [];
  let count = 0;
  let countedInKernel: number | null = null;
  let unmatched: number | null = null;
  let unfinished: number | null = null;
  let unparsedRecords = 0;
  let columnsDropped = 0;
  /** the column histograms go to; null before the first marker or once columns are capped */
  let current: LatencyColumn | null = null;
  let sawMarker = false;
  let sawEnd = false;

  const openColumn = (tSec: number) => {
    sawMarker = true;
    if (columns.length >= maxColumns) {
      columnsDropped++;
      current = null;
      return;
    }
    current = { tSec, buckets: [], count: 0 };
    columns.push(current);
  };

  const addHist = (buckets: HistBucket[]) => {
    const n = totalCount(buckets);
    count += n;
    totalParts.push(buckets);
    if (totalParts.length >= 64) totalParts = [sumHistograms(totalParts)];
    // a histogram before any marker (a script without ticks) still gets a column
    if (!sawMarker) openColumn(0);
    if (current) {
      current.buckets = sumHistograms([current.buckets, buckets]);
      current.count += n;
    }
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'attached_probes':
        return;
      case 'printf': {
        const m = parseMarker(rec.text);
        if (m) {
          if (m.kind === 'end') sawEnd = true;
          openColumn(m.elapsedNs / 1e9);
        } else unparsedRecords++;
        return;
      }
      case 'hist':
        if (histMaps.has(rec.name) && !rec.keyed) addHist(rec.buckets);
        else unparsedRecords++;
        return;
      case 'map':
        if (!rec.keyed && typeof rec.value === 'number') {
          if (rec.name === opts.countMap) countedInKernel = rec.value;
          else if (rec.name === opts.unmatchedMap) unmatched = rec.value;
          // other scalars (@gen, the buffer switch) carry nothing for the result
        } else if (rec.keyed && rec.name === opts.pendingMap) {
          unfinished = (unfinished ?? 0) + rec.entries.length;
        } else if (!(rec.keyed && opts.scratchMaps?.includes(rec.name))) {
          unparsedRecords++;
        }
        return;
      default:
        unparsedRecords++;
        return;
    }
  };

  const result = (): LatencyHeatmapResult => {
    const total = sumHistograms(totalParts);
    return {
      kind: 'latency-heatmap',
      unit: opts.unit,
      columns: columns.map((c) => ({ tSec: c.tSec, buckets: c.buckets.map((b) => ({ ...b })), count: c.count })),
      total,
      count,
      p50: percentile(total, 50),
      p90: percentile(total, 90),
      p99: percentile(total, 99),
      countedInKernel,
      lostInSwitch: countedInKernel === null ? null : Math.max(0, countedInKernel - count),
      unmatched,
      // the script prints the map only when it is not empty: no line means none
      unfinished: opts.pendingMap && sawEnd ? (unfinished ?? 0) : unfinished,
      unparsedRecords,
      columnsDropped,
      stats: { ...stats },
    };
  };

  return { push, snapshot: result, finish: result };
}

/** Percentiles of a time slice of a heat map (columns with from <= tSec < to), e.g. to compare two halves of a run. */
export function slicePercentiles(
  columns: readonly LatencyColumn[],
  fromSec: number,
  toSec: number,
): { count: number; p50: number | null; p90: number | null; p99: number | null } {
  const hist = sumHistograms(columns.filter((c) => c.tSec >= fromSec && c.tSec < toSec).map((c) => c.buckets));
  return { count: totalCount(hist), p50: percentile(hist, 50), p90: percentile(hist, 90), p99: percentile(hist, 99) };
}
