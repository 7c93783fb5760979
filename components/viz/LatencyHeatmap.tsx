'use client';
/**
 * Latency heat map (biolatency, runqlat): x = time in 1 s columns, y = log2 latency buckets, colour =
 * count on a log scale. Beside it the summed histogram with p50/p90/p99. A steady workload reads as
 * horizontal bands; a stall as a column reaching up; two modes (cache hits vs disk) as two bands.
 * Brush a time range (drag across the heat map) to see the summed histogram and percentiles of only
 * those seconds (lib/viz/brush.ts).
 */
import { useMemo, useState } from 'react';
import { type ColumnRange, latencyRange } from '@/lib/viz/brush';
import type { LatencyHeatmapResult } from '@/lib/tools/types';
import { formatDuration } from '@/lib/viz/format';
import { axisTicks, buildLatencyGrid, latencyAxisLabel, latencyBucketLabel } from '@/lib/viz/heatmap';
import { resultNotices } from '@/lib/viz/notices';
import { HeatLegend } from '@/components/viz/HeatLegend';
import { HeatmapCanvas } from '@/components/viz/HeatmapCanvas';
import { LatencyHistogram } from '@/components/viz/LatencyHistogram';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface LatencyHeatmapProps {
  result: LatencyHeatmapResult | null | undefined;
  /** accessible name, e.g. "Block I/O latency" */
  label: string;
  /** what one count is, plural: "I/Os", "wakeups" */
  countNoun?: string;
  loading?: boolean;
  error?: unknown;
}

export function LatencyHeatmap({ result, label, countNoun = 'events', loading, error }: LatencyHeatmapProps) {
  if (error) return <VizError label={label} error={error} />;
  if (!result) return loading ? <VizSkeleton label={label} heightPx={360} /> : <VizEmpty label={label}>No latency data.</VizEmpty>;
  return (
    <div className="space-y-2">
      <ResultNotices notices={resultNotices(result)} />
      {result.columns.length === 0 || result.count === 0 ? (
        <VizEmpty label={label}>
          No {countNoun} were recorded{loading ? ' yet' : ' during the run'}.
        </VizEmpty>
      ) : (
        <HeatmapBody result={result} label={label} countNoun={countNoun} />
      )}
    </div>
  );
}

function HeatmapBody({ result, label, countNoun }: { result: LatencyHeatmapResult; label: string; countNoun: string }) {
  const grid = useMemo(() => buildLatencyGrid(result), [result]);
  const [brush, setBrush] = useState<ColumnRange | null>(null);
  // a live result can shrink its columns (never, but a new result may): keep the range inside
  const range = brush && brush.to < result.columns.length ? brush : null;
  const picked = useMemo(() => (range ? latencyRange(result, range) : null), [result, range]);
  const unit = result.unit;
  const nRows = grid.rows.length;
  const rowPx = Math.max(8, Math.min(18, Math.floor(420 / Math.max(1, nRows))));
  const totals = useMemo(() => {
    const byKey = new Map((picked ? picked.total : result.total).map((b) => [`${b.min ?? ''}:${b.max ?? ''}`, b.count]));
    return grid.rows.map((b) => ({ ...b, count: byKey.get(`${b.min ?? ''}:${b.max ?? ''}`) ?? 0 }));
  }, [grid, result.total, picked]);
  const xTicks = axisTicks(grid.nCols, 8);
  const labelEvery = rowPx >= 14 ? 1 : 2;
  const src = picked ?? result;
  const percentiles = [
    { name: 'p50', value: src.p50 },
    { name: 'p90', value: src.p90 },
    { name: 'p99', value: src.p99 },
  ];
  const colTime = (c: number) => result.columns[c]?.tSec ?? c + 1;

  return (
    <figure aria-label={`${label} heat map`} className="space-y-2" data-testid="latency-heatmap">
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700" data-testid="latency-percentiles">
        {picked ? (
          <span data-testid="latency-brush-summary">
            {picked.count.toLocaleString('en-US')} {countNoun} in t {picked.fromSec.toFixed(1)}–{picked.toSec.toFixed(1)} s (of{' '}
            {result.count.toLocaleString('en-US')})
          </span>
        ) : (
          <span>
            {result.count.toLocaleString('en-US')} {countNoun} over {grid.nCols.toLocaleString('en-US')} s
          </span>
        )}
        {percentiles.map((p) => (
          <span key={p.name}>
            {p.name} <strong className="font-medium text-slate-900">{p.value === null ? '—' : formatDuration(p.value, unit)}</strong>
          </span>
        ))}
        {picked ? (
          <button type="button" onClick={() => setBrush(null)} className="rounded border border-slate-300 px-2 text-xs hover:bg-slate-100">
            Clear range
          </button>
        ) : (
          <span className="text-xs text-slate-500">drag across the heat map to sum a time range</span>
        )}
      </div>
      {/* on a phone the grid keeps a usable width (12rem) and the row scrolls sideways instead of squeezing it */}
      <div className="relative flex gap-2 max-sm:overflow-x-auto">
        <div className="relative w-16 shrink-0 text-right text-[10px] text-slate-600" style={{ height: nRows * rowPx }} aria-hidden="true">
          {grid.rows.map((b, i) =>
            i % labelEvery === 0 ? (
              <span key={i} className="absolute right-1 -translate-y-1/2 whitespace-nowrap" style={{ top: (nRows - i) * rowPx }}>
                {latencyAxisLabel(b, unit)}
              </span>
            ) : null,
          )}
        </div>
        <div className="min-w-48 flex-1">
          <HeatmapCanvas
            testId="latency-heatmap-canvas"
            nCols={grid.nCols}
            nRows={nRows}
            countAt={(c, r) => grid.counts[c * nRows + r]}
            max={grid.max}
            rowPx={rowPx}
            dataKey={grid}
            brush={range}
            onBrush={setBrush}
            label={`${label}: ${grid.nCols} one-second columns by ${nRows} latency buckets, ${result.count.toLocaleString('en-US')} ${countNoun}; focus and use the arrow keys to read cells, Enter and Shift+arrows to pick a time range`}
            renderTooltip={(cell) => (
              <>
                <div className="font-medium">{latencyBucketLabel(grid.rows[cell.row], unit)}</div>
                <div>
                  t {Math.max(0, colTime(cell.col) - 1).toFixed(1)}–{colTime(cell.col).toFixed(1)} s
                </div>
                <div>
                  {cell.count.toLocaleString('en-US')} {countNoun}
                </div>
              </>
            )}
          />
          <div className="relative h-5 text-[10px] text-slate-600" aria-hidden="true">
            {xTicks.map((c) => (
              <span key={c} className="absolute -translate-x-1/2 whitespace-nowrap" style={{ left: `${((c + 0.5) / grid.nCols) * 100}%` }}>
                {secLabel(colTime(c))}
              </span>
            ))}
          </div>
        </div>
        <LatencyHistogram
          rows={totals}
          unit={unit}
          rowPx={rowPx}
          percentiles={percentiles}
          label={picked ? `${label}: histogram of t ${picked.fromSec.toFixed(1)}–${picked.toSec.toFixed(1)} s` : `${label}: summed histogram`}
        />
      </div>
      <figcaption className="flex flex-wrap items-center justify-between gap-2">
        <HeatLegend max={grid.max} what={countNoun} />
        <span className="text-xs text-slate-500">x: time since the run started · y: latency (log2 buckets) · right: all seconds summed</span>
      </figcaption>
    </figure>
  );
}

/** "5 s" for a whole second, "5.3 s" otherwise (the last column ends when the run stopped) */
function secLabel(t: number): string {
  return Math.abs(t - Math.round(t)) < 0.05 ? `${Math.round(t)} s` : `${t.toFixed(1)} s`;
}
