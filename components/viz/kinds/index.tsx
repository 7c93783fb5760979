'use client';
/**
 * The client half of the result-kind descriptors (lib/results/kinds/): result kind -> its React view.
 * Server descriptors cannot import React components, so the views are registered here, one entry per
 * kind; the conformance test (tests/unit/result-kinds.test.ts) fails when a kind has no view.
 */
import type { ComponentType } from 'react';
import type { ResultKind } from '@/lib/results/registry';
import type { BlockIoResult, ConnectionsResult, EventTableResult, LatencyHeatmapResult, ProfileResult, TimeSeriesResult } from '@/lib/tools/types';
import type { GenericResult } from '@/lib/tools/generic/types';
import { BlockIoView } from '@/components/viz/BlockIoView';
import { ConnectionsView } from '@/components/viz/ConnectionsView';
import { EventTable } from '@/components/viz/EventTable';
import { FlameGraphView } from '@/components/viz/FlameGraphView';
import { LatencyHeatmap } from '@/components/viz/LatencyHeatmap';
import { TimeSeriesChart } from '@/components/viz/TimeSeriesChart';
import { GenericView } from '@/components/viz/kinds/GenericView';
import type { FlameStateBinding } from '@/lib/viz/flame-url.client';

export interface KindViewProps<R> {
  result: R | null;
  label: string;
  countNoun?: string;
  loading?: boolean;
  error?: unknown;
  /** file name of CSV downloads, without ".csv" */
  csvName: string;
  /** profile views: starting state and change listener (components/viz/ToolResultView) */
  flameState?: FlameStateBinding;
}

export const KIND_VIEWS: { [K in ResultKind]: ComponentType<KindViewProps<never>> } = {
  profile: ({ result, label, loading, error, flameState }: KindViewProps<ProfileResult>) => (
    <FlameGraphView result={result} label={label} loading={loading} error={error} state={flameState?.state} onStateChange={flameState?.onStateChange} />
  ),
  events: ({ result, label, loading, error, csvName }: KindViewProps<EventTableResult>) => (
    <EventTable result={result} label={label} loading={loading} error={error} csvName={csvName} />
  ),
  'latency-heatmap': ({ result, label, countNoun, loading, error }: KindViewProps<LatencyHeatmapResult>) => (
    <LatencyHeatmap result={result} label={label} countNoun={countNoun} loading={loading} error={error} />
  ),
  'block-io': ({ result, label, loading, error, csvName }: KindViewProps<BlockIoResult>) => (
    <BlockIoView result={result} label={label} loading={loading} error={error} csvName={csvName} />
  ),
  timeseries: ({ result, label, loading, error }: KindViewProps<TimeSeriesResult>) => (
    <TimeSeriesChart result={result} label={label} loading={loading} error={error} />
  ),
  connections: ({ result, label, loading, error, csvName }: KindViewProps<ConnectionsResult>) => (
    <ConnectionsView result={result} label={label} loading={loading} error={error} csvName={csvName} />
  ),
  generic: ({ result, label, loading, error, csvName }: KindViewProps<GenericResult>) => (
    <GenericView result={result} label={label} loading={loading} error={error} csvName={csvName} />
  ),
} as { [K in ResultKind]: ComponentType<KindViewProps<never>> };
