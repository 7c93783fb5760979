'use client';
/**
 * biosnoop's view: the disk offset heat map (the first, busiest disk), the I/O count per disk, and the
 * event table of individual I/Os. Notices are shown once, above both. Brushing a time range on the
 * heat map keeps the table to the I/Os completed in it (lib/viz/brush.ts).
 */
import { useMemo, useState } from 'react';
import type { BlockIoResult } from '@/lib/tools/types';
import { type ColumnRange, offsetRangeSeconds, rowsInTime } from '@/lib/viz/brush';
import { resultNotices } from '@/lib/viz/notices';
import { EventTable } from '@/components/viz/EventTable';
import { OffsetHeatmap } from '@/components/viz/OffsetHeatmap';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface BlockIoViewProps {
  result: BlockIoResult | null | undefined;
  label?: string;
  loading?: boolean;
  error?: unknown;
  csvName?: string;
}

export function BlockIoView({ result, label = 'Block I/O', loading, error, csvName = 'biosnoop' }: BlockIoViewProps) {
  const [brush, setBrush] = useState<ColumnRange | null>(null);
  const span = brush && result ? offsetRangeSeconds(brush, result.offsetHeatmap.binSec) : null;
  const table = useMemo(() => {
    if (!result || !brush) return result;
    const t = offsetRangeSeconds(brush, result.offsetHeatmap.binSec);
    return { ...result, rows: rowsInTime(result.rows, 'time', t.fromSec, t.toSec) };
  }, [result, brush]);
  if (error) return <VizError label={label} error={error} />;
  if (!result) return loading ? <VizSkeleton label={label} heightPx={480} /> : <VizEmpty label={label}>No block I/O data.</VizEmpty>;
  const devices = result.devices ?? [];
  return (
    <div className="space-y-3" data-testid="block-io-view">
      <div className="text-sm text-slate-700">
        {result.eventsSeen.toLocaleString('en-US')} I/Os
        {result.eventsCounted != null ? ` (${result.eventsCounted.toLocaleString('en-US')} counted in the kernel)` : ''}
        {devices.length > 1 && (
          <span className="text-slate-600">
            {' '}
            · per disk:{' '}
            {devices
              .slice(0, 6)
              .map((d) => `${d.device} ${d.events.toLocaleString('en-US')}`)
              .join(', ')}
            {devices.length > 6 ? ', …' : ''}
          </span>
        )}
      </div>
      <ResultNotices notices={resultNotices(result)} />
      <OffsetHeatmap heatmap={result.offsetHeatmap} label={`${label}: disk offsets`} loading={loading} brush={brush} onBrush={setBrush} />
      {span && table ? (
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700" data-testid="brush-filter">
          <span>
            {table.rows.length.toLocaleString('en-US')} of {result.rows.length.toLocaleString('en-US')} I/Os shown: completed in t {span.fromSec.toFixed(0)}–
            {span.toSec.toFixed(0)} s (every disk), the range brushed on the heat map
          </span>
          <button type="button" onClick={() => setBrush(null)} className="rounded border border-slate-300 px-2 text-xs hover:bg-slate-100">
            Clear range
          </button>
        </p>
      ) : (
        <p className="text-xs text-slate-500">Drag across the heat map (or click a column) to show only the I/Os of that time.</p>
      )}
      <EventTable result={table} label={`${label} events`} csvName={csvName} notices={[]} loading={loading} />
    </div>
  );
}
