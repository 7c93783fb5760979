'use client';
/** tcplife's view: the graph of endpoints and the session table; notices shown once, above both. */
import type { ConnectionsResult } from '@/lib/tools/types';
import { resultNotices } from '@/lib/viz/notices';
import { ConnectionGraph } from '@/components/viz/ConnectionGraph';
import { EventTable } from '@/components/viz/EventTable';
import { ResultNotices, VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface ConnectionsViewProps {
  result: ConnectionsResult | null | undefined;
  label?: string;
  loading?: boolean;
  error?: unknown;
  csvName?: string;
}

export function ConnectionsView({ result, label = 'TCP sessions', loading, error, csvName = 'tcplife' }: ConnectionsViewProps) {
  if (error) return <VizError label={label} error={error} />;
  if (!result) return loading ? <VizSkeleton label={label} heightPx={480} /> : <VizEmpty label={label}>No connection data.</VizEmpty>;
  return (
    <div className="space-y-3" data-testid="connections-view">
      <ResultNotices notices={resultNotices(result)} />
      <ConnectionGraph graph={result.graph} label={label} loading={loading} />
      <EventTable result={result} label={`${label}: sessions`} csvName={csvName} notices={[]} loading={loading} />
    </div>
  );
}
