/**
 * cachestat of a fleet run: one line per host for one measure (hit ratio, hits/s, misses/s,
 * dirties/s), on a shared time axis (seconds since each host's run started: the runs of a fleet run
 * start together, within the fan-out's spread). Pure: returns each host's points as they are (hosts'
 * seconds do not line up to the millisecond: a line per host on a numeric time axis) and each host's
 * overall figures.
 */
import type { TimeSeriesResult } from '@/lib/tools/types';
import { withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';

export const CACHE_MEASURES = ['hitRatioPct', 'hitsPerSec', 'missesPerSec', 'dirtiesPerSec'] as const;
export type CacheMeasure = (typeof CACHE_MEASURES)[number];
export const CACHE_MEASURE_LABELS: Record<CacheMeasure, string> = {
  hitRatioPct: 'hit ratio, %',
  hitsPerSec: 'hits per second',
  missesPerSec: 'misses per second',
  dirtiesPerSec: 'dirties per second',
};

export interface CacheHostSummary {
  hostId: string;
  hostName: string;
  points: number;
  /** all hits / (hits + misses) over the run, %; null without accesses */
  hitRatioPct: number | null;
  missesPerSec: number;
}

export interface FleetCacheSeries {
  measure: CacheMeasure;
  /** one line per host: its points' time (s since its run started) and the measure (null: no access that second) */
  series: Array<{ hostId: string; hostName: string; points: Array<{ tSec: number; value: number | null }> }>;
  hosts: CacheHostSummary[];
}

export function fleetCacheSeries(input: ReadonlyArray<FleetHostInput<unknown>>, measure: CacheMeasure): FleetCacheSeries {
  const hosts = withResult<TimeSeriesResult>(input, ['timeseries']);
  const series: FleetCacheSeries['series'] = [];
  const summaries: CacheHostSummary[] = [];
  for (const h of hosts) {
    let hits = 0;
    let misses = 0;
    series.push({ hostId: h.hostId, hostName: h.hostName, points: h.result.points.map((p) => ({ tSec: p.tSec, value: p[measure] })) });
    for (const p of h.result.points) {
      hits += p.hitsPerSec;
      misses += p.missesPerSec;
    }
    const n = h.result.points.length;
    summaries.push({
      hostId: h.hostId,
      hostName: h.hostName,
      points: n,
      hitRatioPct: hits + misses > 0 ? (100 * hits) / (hits + misses) : null,
      missesPerSec: n > 0 ? misses / n : 0,
    });
  }
  return { measure, series, hosts: summaries };
}
