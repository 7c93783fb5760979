/**
 * Every result kind, by its `kind` and by the visualization name tools declare and reports store.
 * Adding a kind: a file in lib/results/kinds/, a line here, a view in components/viz/kinds/.
 */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import { blockIoKind } from '@/lib/results/kinds/block-io';
import { connectionsKind } from '@/lib/results/kinds/connections';
import { eventsKind } from '@/lib/results/kinds/events';
import { genericKind } from '@/lib/results/kinds/generic';
import { latencyHeatmapKind } from '@/lib/results/kinds/latency-heatmap';
import { profileKind } from '@/lib/results/kinds/profile';
import { timeseriesKind } from '@/lib/results/kinds/timeseries';

export const RESULT_KINDS = [profileKind, eventsKind, latencyHeatmapKind, blockIoKind, timeseriesKind, connectionsKind, genericKind] as const;

/** A tool's visualization name ('flamegraph', 'event-table', ...): the `viz` of a kind. */
export type VizKind = (typeof RESULT_KINDS)[number]['viz'];
export type ResultKind = (typeof RESULT_KINDS)[number]['kind'];

type AnyKind = ResultKindDescriptor<{ kind: string; stats: import('@/lib/tools/types').ResultStats }>;

const BY_KIND = new Map<string, AnyKind>(RESULT_KINDS.map((k) => [k.kind, k as unknown as AnyKind]));
const BY_VIZ = new Map<string, AnyKind>(RESULT_KINDS.map((k) => [k.viz, k as unknown as AnyKind]));

export function kindOf(kind: string | undefined): AnyKind | undefined {
  return kind === undefined ? undefined : BY_KIND.get(kind);
}

export function kindOfViz(viz: string): AnyKind | undefined {
  return BY_VIZ.get(viz);
}

/** The descriptor of a result (by its `kind` member), or undefined for anything else. */
export function descriptorOf(result: unknown): AnyKind | undefined {
  const k = result && typeof result === 'object' ? (result as { kind?: unknown }).kind : undefined;
  return typeof k === 'string' ? BY_KIND.get(k) : undefined;
}
