'use client';
/**
 * Disk offset heat map (biosnoop): x = time, y = offset on the disk, colour = I/O count (log scale).
 * Sequential access draws a rising diagonal (offsets advance with time); random access scatters over
 * the whole height; a hot file or journal is a horizontal band.
 */
import { useMemo } from 'react';
import type { ColumnRange } from '@/lib/viz/brush';
import type { BlockIoResult } from '@/lib/tools/types';
import { formatBytes } from '@/lib/viz/format';
import { SECTOR_BYTES, axisTicks, gridStats, offsetRowLabel, offsetRowSectors } from '@/lib/viz/heatmap';
import { HeatLegend } from '@/components/viz/HeatLegend';
import { HeatmapCanvas } from '@/components/viz/HeatmapCanvas';
import { VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export type OffsetHeatmapData = BlockIoResult['offsetHeatmap'];

export interface OffsetHeatmapProps {
  heatmap: OffsetHeatmapData | null | undefined;
  /** accessible name, e.g. "Disk offsets of block I/O" */
  label: string;
  loading?: boolean;
  error?: unknown;
  /** the brushed time columns (the parent filters its event table by them) */
  brush?: ColumnRange | null;
  onBrush?: (range: ColumnRange | null) => void;
}

export function OffsetHeatmap({ heatmap, label, loading, error, brush, onBrush }: OffsetHeatmapProps) {
  if (error) return <VizError label={label} error={error} />;
  if (!heatmap) return loading ? <VizSkeleton label={label} heightPx={320} /> : <VizEmpty label={label}>No disk offsets.</VizEmpty>;
  if (heatmap.rows === 0 || heatmap.cells.length === 0) return <VizEmpty label={label}>No I/O was recorded{loading ? ' yet' : ''}.</VizEmpty>;
  return <OffsetBody heatmap={heatmap} label={label} brush={brush ?? null} onBrush={onBrush} />;
}

function OffsetBody({
  heatmap,
  label,
  brush,
  onBrush,
}: {
  heatmap: OffsetHeatmapData;
  label: string;
  brush: ColumnRange | null;
  onBrush?: (range: ColumnRange | null) => void;
}) {
  const { max, nonZero } = useMemo(() => gridStats(heatmap.cells), [heatmap]);
  const nCols = heatmap.cells.length;
  const nRows = heatmap.rows;
  const rowPx = Math.max(4, Math.min(14, Math.floor(384 / Math.max(1, nRows))));
  const yTicks = axisTicks(nRows + 1, 6);
  const xTicks = axisTicks(nCols, 8);
  const { binSec, binSectors, minSector } = heatmap;
  const spanBytes = nRows * binSectors * SECTOR_BYTES;

  return (
    <figure aria-label={`${label} heat map`} className="space-y-2" data-testid="offset-heatmap">
      <div className="text-sm text-slate-700">
        {heatmap.device ? (
          <>
            disk <span className="font-mono">{heatmap.device}</span> ·{' '}
          </>
        ) : null}
        offsets {formatBytes(minSector * SECTOR_BYTES)} to {formatBytes(minSector * SECTOR_BYTES + spanBytes)} in {nRows} bins of{' '}
        {formatBytes(binSectors * SECTOR_BYTES)} · {nonZero.toLocaleString('en-US')} busy cells
      </div>
      <div className="relative flex gap-2 max-sm:overflow-x-auto">
        <div className="relative w-20 shrink-0 text-right text-[10px] text-slate-600" style={{ height: nRows * rowPx }} aria-hidden="true">
          {yTicks.map((r) => (
            <span key={r} className="absolute right-1 -translate-y-1/2 whitespace-nowrap" style={{ top: (nRows - r) * rowPx }}>
              {formatBytes((minSector + r * binSectors) * SECTOR_BYTES)}
            </span>
          ))}
        </div>
        <div className="min-w-48 flex-1">
          <HeatmapCanvas
            testId="offset-heatmap-canvas"
            nCols={nCols}
            nRows={nRows}
            countAt={(c, r) => heatmap.cells[c]?.[r] ?? 0}
            max={max}
            rowPx={rowPx}
            dataKey={heatmap}
            brush={brush && brush.to < nCols ? brush : null}
            onBrush={onBrush}
            label={`${label}: ${nCols} time columns of ${binSec} s by ${nRows} offset bins; focus and use the arrow keys to read cells${onBrush ? ', Enter and Shift+arrows to pick a time range' : ''}`}
            renderTooltip={(cell) => (
              <>
                <div className="font-medium">offset {offsetRowLabel(minSector, binSectors, cell.row)}</div>
                <div className="text-slate-500">{offsetRowSectors(minSector, binSectors, cell.row)}</div>
                <div>
                  t {(cell.col * binSec).toFixed(0)}–{((cell.col + 1) * binSec).toFixed(0)} s
                </div>
                <div>{cell.count.toLocaleString('en-US')} I/O</div>
              </>
            )}
          />
          <div className="relative h-5 text-[10px] text-slate-600" aria-hidden="true">
            {xTicks.map((c) => (
              <span key={c} className="absolute -translate-x-1/2 whitespace-nowrap" style={{ left: `${(c / nCols) * 100}%` }}>
                {(c * binSec).toFixed(0)} s
              </span>
            ))}
          </div>
        </div>
      </div>
      <figcaption className="flex flex-wrap items-center justify-between gap-2">
        <HeatLegend max={max} what="I/Os" />
        <span className="text-xs text-slate-500">x: time since the run started · y: offset on the disk · a diagonal is sequential, a scatter random</span>
      </figcaption>
    </figure>
  );
}
