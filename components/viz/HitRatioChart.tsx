'use client';
/** Page cache hit ratio over time (cachestat), 0-100 %; seconds without any access are gaps, not 0 %. */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CacheStatPoint } from '@/lib/tools/types';

export interface HitRatioChartProps {
  points: CacheStatPoint[];
  label: string;
  heightPx?: number;
}

const MAX_DOTS = 180;

export function HitRatioChart({ points, label, heightPx = 180 }: HitRatioChartProps) {
  const dot = points.length <= MAX_DOTS ? { r: 2 } : false;
  return (
    <figure aria-label={label} data-testid="hit-ratio-chart" className="min-w-0">
      <figcaption className="text-xs font-medium text-slate-600">Hit ratio, % (gaps: no access that second)</figcaption>
      <ResponsiveContainer width="100%" height={heightPx} initialDimension={{ width: 600, height: heightPx }}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="tSec" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => `${Math.round(t)} s`} fontSize={11} />
          <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={(v: number) => `${v}%`} fontSize={11} width={48} />
          <Tooltip
            formatter={(v) => [typeof v === 'number' ? `${v.toFixed(1)} %` : 'no access', 'hit ratio']}
            labelFormatter={(t) => `t = ${Number(t).toFixed(1)} s`}
          />
          <Line
            type="linear"
            dataKey="hitRatioPct"
            name="hit ratio %"
            stroke="#4f46e5"
            strokeWidth={1.5}
            dot={dot}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
