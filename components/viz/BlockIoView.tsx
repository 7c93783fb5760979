'use client';
/**
 * biosnoop's view: the disk offset heat map (the first, busiest disk), the I/O count per disk, and the
 * event table of individual I/Os. Notices are shown once, above both.
 */
import type { BlockIoResult } from '@/lib/tools/types';
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
      <OffsetHeatmap heatmap={result.offsetHeatmap} label={`${label}: disk offsets`} loading={loading} />
      <EventTable result={result} label={`${label} events`} csvName={csvName} notices={[]} loading={loading} />
    </div>
  );
}
