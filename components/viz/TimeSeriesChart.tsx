'use client';
/**
 * cachestat's view: rates (hits/s, misses/s, dirties/s) and the hit ratio, on two charts sharing the
 * time axis (a ratio in % beside rates in thousands per second would flatten one of them), and the
 * result's `method` text, which says how hits and misses were derived on this kernel.
 */
import type { TimeSeriesResult } from '@/lib/tools/types';
import { resultNotices } from '@/lib/viz/notices';
import { CacheRatesChart } from '@/components/viz/CacheRatesChart';
import { HitRatioChart } from '@/components/viz/HitRatioChart';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface TimeSeriesChartProps {
  result: TimeSeriesResult | null | undefined;
  /** accessible name, e.g. "Page cache" */
  label: string;
  loading?: boolean;
  error?: unknown;
}

export function TimeSeriesChart({ result, label, loading, error }: TimeSeriesChartProps) {
  if (error) return <VizError label={label} error={error} />;
  if (!result) return loading ? <VizSkeleton label={label} heightPx={440} /> : <VizEmpty label={label}>No samples.</VizEmpty>;
  const pts = result.points;
  const totals = pts.reduce((a, p) => ({ hits: a.hits + p.hitsPerSec, misses: a.misses + p.missesPerSec }), { hits: 0, misses: 0 });
  const overall = totals.hits + totals.misses > 0 ? (100 * totals.hits) / (totals.hits + totals.misses) : null;
  return (
    <div className="space-y-2" data-testid="timeseries">
      <ResultNotices notices={resultNotices(result)} />
      {pts.length === 0 ? (
        <VizEmpty label={label}>No samples were recorded{loading ? ' yet' : ''}.</VizEmpty>
      ) : (
        <>
          <div className="text-sm text-slate-700" data-testid="timeseries-summary">
            {pts.length} s · overall hit ratio <strong className="font-medium">{overall === null ? '—' : `${overall.toFixed(1)} %`}</strong>
          </div>
          <CacheRatesChart points={pts} label={`${label}: hits, misses and dirties per second`} />
          <HitRatioChart points={pts} label={`${label}: hit ratio, percent`} />
        </>
      )}
      {result.method && (
        <p className="text-xs text-slate-600" data-testid="timeseries-method">
          {result.method}
        </p>
      )}
    </div>
  );
}
