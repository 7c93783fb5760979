/**
 * Parser of bpftrace-tools/cachestat.bt (tracepoint variant) and cachestat.kprobe.bt output (protocols
 * in their headers): every second and at the end, one line of running totals summed in the kernel,
 *   "cachestat\x1ftp\x1f<elapsed ns>\x1f<read>\x1f<read short>\x1f<fault>\x1f<added>\x1f<write-added>\x1f<dirtied>\n"
 *   "cachestat\x1fkp\x1f<elapsed ns>\x1f<mpa>\x1f<apcl>\x1f<apd>\x1f<mbd>\n"
 * into one point per interval between lines: its counts are the differences of the totals, its rates
 * those counts over its length (a lost line merges two seconds into one point; the last interval, up to
 * SIGINT, is usually shorter than a second).
 * Pure, incremental, bounded: at most maxPoints points (one per second), the rest counted.
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import type { CacheStatPoint, ResultStats, TimeSeriesResult, ToolParser } from '@/lib/tools/types';
import { intField } from '@/lib/tools/fields';
import { countRecord } from '@/lib/tools/record-stats';

const SEP = '\x1f';
const TAG = 'cachestat';
export const CACHESTAT_DEFAULT_MAX_POINTS = 3_600;

export type CachestatVariant = 'tp' | 'kp';

export const CACHESTAT_METHODS: Record<CachestatVariant | 'unknown', string> = {
  tp:
    'Tracepoints, in 4 KiB pages. Accesses = pages of buffered reads (filemap:mm_filemap_get_pages, each ' +
    'read counted once over its requested range, cut to the bytes it returned at end of file) + file ' +
    'pages faulted in through mmap (filemap:mm_filemap_fault). Misses = pages inserted into the page cache ' +
    '(filemap:mm_filemap_add_to_page_cache) minus pages a buffered write created (an insert followed by ' +
    'the dirtying of the same page on the same CPU). Hits = accesses - misses (at least 0). Dirties = ' +
    'folios going from clean to dirty (writeback:writeback_dirty_folio). Readahead inserts pages before ' +
    'they are read, so a miss and its access may land in adjacent seconds. Not seen: tmpfs, direct I/O, ' +
    'fault-around mappings.',
  kp:
    "kprobes, upstream bcc cachestat's method, in calls (folios): total = folio_mark_accessed - " +
    'mark_buffer_dirty, misses = filemap_add_folio - folio_account_dirtied (writeback_dirty_folio), ' +
    'hits = total - misses (at least 0); dirties = folios dirtied (upstream prints mark_buffer_dirty calls ' +
    'there).',
  unknown: 'No per-second counters were received, so the method is unknown.',
};

/** the running totals of each variant's line, in order */
export const COUNTERS: Record<CachestatVariant, readonly string[]> = {
  tp: ['readPages', 'readPagesShort', 'faultPages', 'addedPages', 'writeAddedPages', 'dirtiedFolios'],
  kp: ['mpa', 'apcl', 'apd', 'mbd'],
};

export type Counters = Record<string, number>;

export interface CachestatCounts {
  accesses: number;
  hits: number;
  misses: number;
  dirties: number;
}

/** Hits, misses, accesses and dirties of one interval from the counter differences (see the methods). */
export function intervalCounts(variant: CachestatVariant, d: Counters): CachestatCounts {
  const v = (k: string) => d[k] ?? 0;
  if (variant === 'tp') {
    const accesses = Math.max(0, v('readPages') - v('readPagesShort') + v('faultPages'));
    const misses = Math.max(0, v('addedPages') - v('writeAddedPages'));
    return { accesses, misses, hits: Math.max(0, accesses - misses), dirties: v('dirtiedFolios') };
  }
  // bcc cachestat: total = mpa - mbd, misses = apcl - apd; negative hits -> all accesses were misses
  const total = Math.max(0, v('mpa') - v('mbd'));
  let misses = Math.max(0, v('apcl') - v('apd'));
  let hits = total - misses;
  if (hits < 0) {
    misses = total;
    hits = 0;
  }
  return { accesses: total, misses, hits, dirties: v('apd') };
}

/** A CacheStatPoint of an interval of dtSec seconds ending at tSec. */
export function toPoint(tSec: number, dtSec: number, c: CachestatCounts): CacheStatPoint {
  const rate = (n: number) => n / dtSec;
  return {
    tSec,
    hitsPerSec: rate(c.hits),
    missesPerSec: rate(c.misses),
    dirtiesPerSec: rate(c.dirties),
    hitRatioPct: c.hits + c.misses > 0 ? (100 * c.hits) / (c.hits + c.misses) : null,
  };
}

/** The result plus totals over the whole run, which the chart does not need but a report and tests do. */
export interface CachestatResult extends TimeSeriesResult {
  variant: CachestatVariant | null;
  /** the counts behind each point (same order), with the interval's length */
  intervals: Array<CachestatCounts & { tSec: number; dtSec: number }>;
  totals: CachestatCounts;
  /** points not kept (past maxPoints) */
  pointsDropped: number;
  /** records that looked like this tool's but did not parse */
  unparsedRecords: number;
}

export interface CachestatParserOptions {
  maxPoints?: number;
}

export interface Tick {
  variant: CachestatVariant;
  elapsedNs: number;
  /** running totals since the start, by counter name (COUNTERS) */
  totals: Counters;
}

/** Parse one line of running totals; null if it is not one. */
export function parseTick(text: string): Tick | null {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  const parts = line.split(SEP);
  if (parts[0] !== TAG || (parts[1] !== 'tp' && parts[1] !== 'kp')) return null;
  const variant = parts[1];
  const names = COUNTERS[variant];
  if (parts.length !== 3 + names.length) return null;
  const nums: number[] = [];
  for (const t of parts.slice(2)) {
    const n = intField(t);
    if (n === null || n < 0) return null;
    nums.push(n);
  }
  const totals: Counters = {};
  names.forEach((name, i) => (totals[name] = nums[i + 1]));
  return { variant, elapsedNs: nums[0], totals };
}

export function createCachestatParser(opts: CachestatParserOptions = {}): ToolParser<CachestatResult> {
  const maxPoints = opts.maxPoints ?? CACHESTAT_DEFAULT_MAX_POINTS;
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const points: CacheStatPoint[] = [];
  const intervals: CachestatResult['intervals'] = [];
  const totals: CachestatCounts = { accesses: 0, hits: 0, misses: 0, dirties: 0 };
  let pointsDropped = 0;
  let unparsedRecords = 0;
  let variant: CachestatVariant | null = null;

  /** the previous line (the start: zeros at 0 ns) */
  let prev: { elapsedNs: number; totals: Counters } = { elapsedNs: 0, totals: {} };

  const onTick = (t: Tick) => {
    if (variant && variant !== t.variant) {
      unparsedRecords++; // one script prints one kind only
      return;
    }
    variant = t.variant;
    const dtNs = t.elapsedNs - prev.elapsedNs;
    // a repeated or out-of-order line (never seen) adds nothing
    if (dtNs <= 0) return;
    const d: Counters = {};
    for (const k of Object.keys(t.totals)) d[k] = t.totals[k] - (prev.totals[k] ?? 0);
    const c = intervalCounts(t.variant, d);
    for (const k of Object.keys(totals) as Array<keyof CachestatCounts>) totals[k] += c[k];
    if (points.length < maxPoints) {
      points.push(toPoint(t.elapsedNs / 1e9, dtNs / 1e9, c));
      intervals.push({ tSec: t.elapsedNs / 1e9, dtSec: dtNs / 1e9, ...c });
    } else {
      pointsDropped++;
    }
    prev = t;
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'printf': {
        const t = parseTick(rec.text);
        if (t) onTick(t);
        else unparsedRecords++;
        return;
      }
      case 'map':
      case 'hist':
      case 'stats':
        // the script clears its maps before the exit dump: any map here is not ours
        unparsedRecords++;
        return;
      default:
        return;
    }
  };

  const result = (): CachestatResult => ({
    kind: 'timeseries',
    points: points.map((p) => ({ ...p })),
    method: CACHESTAT_METHODS[variant ?? 'unknown'],
    variant,
    intervals: intervals.map((i) => ({ ...i })),
    totals: { ...totals },
    pointsDropped,
    unparsedRecords,
    stats: { ...stats },
  });

  return { push, snapshot: result, finish: result };
}
