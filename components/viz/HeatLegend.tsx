'use client';
/** Colour legend of a heat map: the log scale from 1 to `max`, with its end values. */
import { heatColorAt } from '@/lib/viz/heatmap';
import { useColorScheme } from '@/components/viz/useColorScheme';

export function HeatLegend({ max, what }: { max: number; /** what a cell counts, e.g. "I/Os" */ what: string }) {
  const scheme = useColorScheme();
  const stops = Array.from({ length: 11 }, (_, i) => `${heatColorAt(0.08 + 0.092 * i, scheme)} ${i * 10}%`).join(', ');
  const mid = max > 1 ? Math.round(Math.sqrt(max)) : null;
  return (
    <div
      className="flex items-center gap-2 text-xs text-slate-600"
      aria-label={`Colour scale: ${what} per cell, logarithmic, 1 to ${max.toLocaleString('en-US')}`}
    >
      <span>{what} per cell (log scale)</span>
      <span>1</span>
      <span aria-hidden="true" className="relative inline-block h-3 w-40 rounded-sm" style={{ background: `linear-gradient(to right, ${stops})` }}>
        {mid !== null && mid > 1 && mid < max && (
          <span className="absolute top-3 left-1/2 -translate-x-1/2 text-[10px] text-slate-500">{mid.toLocaleString('en-US')}</span>
        )}
      </span>
      <span>{max.toLocaleString('en-US')}</span>
    </div>
  );
}
