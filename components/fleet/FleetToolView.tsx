'use client';
/**
 * One tool's results of a fleet run, drawn as its fleet view, with the host filter on top (all, one
 * host, a selector): profile -> merged flame graph, biolatency/runqlat -> latency overview + heat maps,
 * event tools -> table with a Host column and folding, cachestat -> a line per host, tcplife -> the
 * distributed graph (and its table). Picks by the results' kind. Pure: the parent fetches.
 */
import { useMemo, useState } from 'react';
import { filterHosts, type FleetHostInput, type HostFilter } from '@/lib/fleet/views/hosts';
import { TOOL_LABELS } from '@/lib/viz/labels';
import { HostFilterBar } from '@/components/fleet/HostFilterBar';
import { FleetFlameGraph } from '@/components/fleet/FleetFlameGraph';
import { FleetLatencyView } from '@/components/fleet/FleetLatencyView';
import { FleetEventTable } from '@/components/fleet/FleetEventTable';
import { FleetCacheChart } from '@/components/fleet/FleetCacheChart';
import { FleetConnectionGraph } from '@/components/fleet/FleetConnectionGraph';
import { VizEmpty } from '@/components/viz/VizStates';

export interface FleetToolViewProps {
  toolId: string;
  hosts: ReadonlyArray<FleetHostInput<unknown>>;
}

function kindOf(hosts: ReadonlyArray<FleetHostInput<unknown>>): string | null {
  for (const h of hosts) {
    const k = (h.result as { kind?: unknown } | null)?.kind;
    if (typeof k === 'string') return k;
  }
  return null;
}

export function FleetToolView({ toolId, hosts }: FleetToolViewProps) {
  const [filter, setFilter] = useState<HostFilter>({ kind: 'all' });
  const filtered = useMemo(() => filterHosts(hosts, filter), [hosts, filter]);
  const focus = useMemo(() => (filter.kind === 'all' ? undefined : new Set(filtered.hosts.map((h) => h.hostId))), [filter, filtered]);
  const { label, countNoun } = TOOL_LABELS[toolId] ?? { label: toolId };
  const kind = kindOf(hosts);
  let body: React.ReactNode;
  if (kind === null) body = <VizEmpty label={label}>No host has a result yet.</VizEmpty>;
  else if (kind === 'profile') body = <FleetFlameGraph hosts={filtered.hosts} label={`${label}, merged`} />;
  else if (kind === 'latency-heatmap') body = <FleetLatencyView hosts={filtered.hosts} label={label} countNoun={countNoun} />;
  else if (kind === 'timeseries') body = <FleetCacheChart hosts={filtered.hosts} label={label} />;
  else if (kind === 'connections')
    body = (
      <div className="space-y-6">
        <FleetConnectionGraph hosts={hosts} focusHostIds={focus} label={label} />
        <FleetEventTable hosts={filtered.hosts} label={`${label} sessions`} csvName={`${toolId}-fleet`} />
      </div>
    );
  else if (kind === 'events' || kind === 'block-io') body = <FleetEventTable hosts={filtered.hosts} label={label} csvName={`${toolId}-fleet`} />;
  else body = <VizEmpty label={label}>No fleet view for results of kind {JSON.stringify(kind)}.</VizEmpty>;
  return (
    <div className="space-y-3" data-testid={`fleet-view-${toolId}`}>
      <HostFilterBar hosts={hosts} value={filter} onChange={setFilter} error={filtered.error} shown={filtered.hosts.length} />
      {body}
    </div>
  );
}
