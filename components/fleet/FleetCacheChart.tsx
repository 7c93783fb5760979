'use client';
/**
 * cachestat of a fleet run: one line per host for the measure picked (hit ratio, hits/s, misses/s,
 * dirties/s) on a numeric time axis (seconds since each host's run started), and each host's overall
 * hit ratio. recharts, as components/viz/CacheRatesChart. Pure: takes the hosts' results.
 */
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CACHE_MEASURE_LABELS, CACHE_MEASURES, fleetCacheSeries, type CacheMeasure } from '@/lib/fleet/views/cachestat';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { escapeControl } from '@/lib/viz/format';
import { compact } from '@/components/viz/CacheRatesChart';
import { VizEmpty } from '@/components/viz/VizStates';
import { hostColor } from '@/components/fleet/hostColors';

export interface FleetCacheChartProps {
  hosts: ReadonlyArray<FleetHostInput<unknown>>;
  label: string;
  heightPx?: number;
}

export function FleetCacheChart({ hosts, label, heightPx = 280 }: FleetCacheChartProps) {
  const [measure, setMeasure] = useState<CacheMeasure>('hitRatioPct');
  const s = useMemo(() => fleetCacheSeries(hosts, measure), [hosts, measure]);
  if (s.series.length === 0) return <VizEmpty label={label}>No host has page cache samples.</VizEmpty>;
  return (
    <div className="space-y-2" data-testid="fleet-cache-chart">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-1">
          <span className="text-slate-600">Show</span>
          <select
            value={measure}
            onChange={(e) => setMeasure(e.target.value as CacheMeasure)}
            className="rounded border border-slate-300 px-1 py-1"
            aria-label="Measure"
          >
            {CACHE_MEASURES.map((m) => (
              <option key={m} value={m}>
                {CACHE_MEASURE_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <span className="text-slate-600" data-testid="fleet-cache-summary">
          overall hit ratio: {s.hosts.map((h) => `${escapeControl(h.hostName)} ${h.hitRatioPct === null ? '—' : `${h.hitRatioPct.toFixed(1)} %`}`).join(' · ')}
        </span>
      </div>
      <figure aria-label={`${label}: ${CACHE_MEASURE_LABELS[measure]}, one line per host`} className="min-w-0">
        <ResponsiveContainer width="100%" height={heightPx} initialDimension={{ width: 600, height: heightPx }}>
          <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              dataKey="tSec"
              type="number"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(t: number) => `${Math.round(t)} s`}
              fontSize={11}
              allowDuplicatedCategory={false}
            />
            <YAxis tickFormatter={(v: number) => compact.format(v)} fontSize={11} width={48} domain={measure === 'hitRatioPct' ? [0, 100] : ['auto', 'auto']} />
            <Tooltip
              formatter={(v, name) => [typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(v ?? '—'), name]}
              labelFormatter={(t) => `t = ${Number(t).toFixed(1)} s`}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {s.series.map((h, i) => (
              <Line
                key={h.hostId}
                data={h.points}
                dataKey="value"
                name={escapeControl(h.hostName)}
                type="linear"
                stroke={hostColor(i)}
                strokeWidth={1.5}
                dot={h.points.length <= 120 ? { r: 2 } : false}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
