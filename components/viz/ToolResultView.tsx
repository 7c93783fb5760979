'use client';
/**
 * One entry point for pages: picks the view of a tool's result by the catalog's visualization kind.
 * The result arrives untyped (JSON from the API or the live stream): its `kind` is checked against
 * the view before it is drawn, so a mismatch shows an error instead of a broken chart.
 */
import type { VizKind } from '@/lib/tools/catalog';
import type {
  BlockIoResult,
  ConnectionsResult,
  EventTableResult,
  LatencyHeatmapResult,
  ProfileResult,
  TimeSeriesResult,
  ToolResult,
} from '@/lib/tools/types';
import { BlockIoView } from '@/components/viz/BlockIoView';
import { ConnectionsView } from '@/components/viz/ConnectionsView';
import { EventTable } from '@/components/viz/EventTable';
import { FlameGraphView } from '@/components/viz/FlameGraphView';
import { LatencyHeatmap } from '@/components/viz/LatencyHeatmap';
import { TimeSeriesChart } from '@/components/viz/TimeSeriesChart';
import { TOOL_LABELS } from '@/lib/viz/labels';
import { VizError } from '@/components/viz/VizStates';

export interface ToolResultViewProps {
  /** catalog tool id: names the view and the CSV file */
  toolId: string;
  /** the catalog's visualization kind of the tool */
  viz: VizKind;
  /** a ToolResult (unknown: it comes from JSON); null/undefined = none yet */
  result: unknown;
  /** a run is under way (a result, if any, is a partial snapshot) or the result is being fetched */
  loading?: boolean;
  error?: unknown;
}

/** The result kind each view draws. */
export const RESULT_KIND: Record<VizKind, ToolResult['kind']> = {
  flamegraph: 'profile',
  'event-table': 'events',
  'latency-heatmap': 'latency-heatmap',
  'block-io': 'block-io',
  timeseries: 'timeseries',
  connections: 'connections',
};

export function ToolResultView({ toolId, viz, result, loading, error }: ToolResultViewProps) {
  const { label, countNoun } = TOOL_LABELS[toolId] ?? { label: toolId };
  const expected = RESULT_KIND[viz];
  const present = result !== null && result !== undefined;
  if (!error && present) {
    const kind = typeof result === 'object' ? (result as { kind?: unknown }).kind : undefined;
    if (kind !== expected) {
      return <VizError label={label} error={`The result of ${toolId} is of kind ${JSON.stringify(kind ?? typeof result)}, but its view (${viz}) draws "${expected}".`} />;
    }
  }
  const r = present ? result : null;
  switch (viz) {
    case 'flamegraph':
      return <FlameGraphView result={r as ProfileResult | null} label={label} loading={loading} error={error} />;
    case 'event-table':
      return <EventTable result={r as EventTableResult | null} label={label} loading={loading} error={error} csvName={toolId} />;
    case 'latency-heatmap':
      return <LatencyHeatmap result={r as LatencyHeatmapResult | null} label={label} countNoun={countNoun} loading={loading} error={error} />;
    case 'block-io':
      return <BlockIoView result={r as BlockIoResult | null} label={label} loading={loading} error={error} csvName={toolId} />;
    case 'timeseries':
      return <TimeSeriesChart result={r as TimeSeriesResult | null} label={label} loading={loading} error={error} />;
    case 'connections':
      return <ConnectionsView result={r as ConnectionsResult | null} label={label} loading={loading} error={error} csvName={toolId} />;
    default:
      return <VizError label={label} error={`No view for visualization kind ${JSON.stringify(viz)}.`} />;
  }
}
