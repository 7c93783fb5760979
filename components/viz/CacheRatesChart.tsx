'use client';
/**
 * Page cache rates over time (cachestat): hits/s, misses/s, dirties/s on one chart. recharts; its
 * accessibility layer lets a keyboard user move the tooltip along the points with the arrow keys.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CacheStatPoint } from '@/lib/tools/types';

export interface CacheRatesChartProps {
  points: CacheStatPoint[];
  label: string;
  heightPx?: number;
}

/** dots only while they can be told apart; beyond that the line says enough */
const MAX_DOTS = 180;

export const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function CacheRatesChart({ points, label, heightPx = 240 }: CacheRatesChartProps) {
  const dot = points.length <= MAX_DOTS ? { r: 2 } : false;
  return (
    <figure aria-label={label} data-testid="cache-rates-chart" className="min-w-0">
      <figcaption className="text-xs font-medium text-slate-600">Page cache operations per second</figcaption>
      <ResponsiveContainer width="100%" height={heightPx} initialDimension={{ width: 600, height: heightPx }}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="tSec" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => `${Math.round(t)} s`} fontSize={11} />
          <YAxis
            tickFormatter={(v: number) => compact.format(v)}
            fontSize={11}
            width={48}
            label={{ value: 'per second', angle: -90, position: 'insideLeft', fontSize: 11, dy: 30 }}
          />
          <Tooltip
            formatter={(v, name) => [typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(v), name]}
            labelFormatter={(t) => `t = ${Number(t).toFixed(1)} s`}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line type="linear" dataKey="hitsPerSec" name="hits/s" stroke="#059669" strokeWidth={1.5} dot={dot} isAnimationActive={false} />
          <Line type="linear" dataKey="missesPerSec" name="misses/s" stroke="#dc2626" strokeWidth={1.5} dot={dot} isAnimationActive={false} />
          <Line type="linear" dataKey="dirtiesPerSec" name="dirties/s" stroke="#d97706" strokeWidth={1.5} dot={dot} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
