'use client';
/**
 * tcplife of a fleet run as one distributed graph (lib/fleet/views/tcplife.ts): fleet hosts and outside
 * peers as nodes, the connections seen as edges from the side that connected to the side that
 * accepted, bytes each way; a connection traced at both ends is matched and drawn once. Drawn by
 * components/viz/ConnectionGraph; below it, the edges as a table (who, how many, how many matched at
 * both ends, bytes, server ports). `focusHostIds` (a view filtered to a host or tag) keeps only the
 * connections touching those hosts, while every host of the run still names its addresses.
 */
import { useMemo } from 'react';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { fleetConnections, fleetGraph, twoSidedGraph } from '@/lib/fleet/views/tcplife';
import { escapeControl, formatBytes } from '@/lib/viz/format';
import { ConnectionGraph } from '@/components/viz/ConnectionGraph';

export interface FleetConnectionGraphProps {
  /** every host of the fleet run (their addresses map peers to hosts) */
  hosts: ReadonlyArray<FleetHostInput<unknown>>;
  focusHostIds?: ReadonlySet<string>;
  label: string;
}

export function FleetConnectionGraph({ hosts, focusHostIds, label }: FleetConnectionGraphProps) {
  const conns = useMemo(() => fleetConnections(hosts), [hosts]);
  const g = useMemo(() => fleetGraph(conns, focusHostIds), [conns, focusHostIds]);
  const names = useMemo(() => new Map(g.nodes.map((n) => [n.id, n])), [g]);
  // drawn with connecting hosts on the left and accepting ones on the right (a host doing both is on both sides)
  const drawn = useMemo(() => twoSidedGraph(g), [g]);
  return (
    <div className="space-y-3" data-testid="fleet-connections">
      <p className="text-sm text-slate-700" data-testid="fleet-connections-summary">
        {g.connections.toLocaleString('en-US')} connections between {g.nodes.filter((n) => n.kind === 'host').length} fleet hosts and{' '}
        {g.nodes.filter((n) => n.kind === 'peer').length} outside peers · {g.matched.toLocaleString('en-US')} traced at both ends (drawn once)
      </p>
      <ConnectionGraph graph={drawn} label={label} />
      {g.edges.length > 0 && (
        <table className="w-full text-sm" data-testid="fleet-edges" aria-label={`${label}: connections between endpoints`}>
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-2 font-medium">From (connected)</th>
              <th className="py-1 pr-2 font-medium">To (accepted)</th>
              <th className="py-1 pr-2 text-right font-medium">Connections</th>
              <th className="py-1 pr-2 text-right font-medium" title="traced by both hosts' runs">
                Both ends
              </th>
              <th className="py-1 pr-2 text-right font-medium">Sent</th>
              <th className="py-1 pr-2 text-right font-medium">Received</th>
              <th className="py-1 font-medium">Server ports</th>
            </tr>
          </thead>
          <tbody>
            {g.edges.map((e) => {
              const s = names.get(e.source)!;
              const t = names.get(e.target)!;
              return (
                <tr key={`${e.source}>${e.target}`} className="border-t border-slate-100" data-source={s.label} data-target={t.label} data-testid="fleet-edge">
                  <td className={`py-1 pr-2 font-mono ${s.kind === 'peer' ? 'text-slate-500' : ''}`}>{escapeControl(s.label)}</td>
                  <td className={`py-1 pr-2 font-mono ${t.kind === 'peer' ? 'text-slate-500' : ''}`}>{escapeControl(t.label)}</td>
                  <td className="py-1 pr-2 text-right tabular-nums">{e.connections.toLocaleString('en-US')}</td>
                  <td className="py-1 pr-2 text-right tabular-nums" data-testid="fleet-edge-matched">
                    {e.matched.toLocaleString('en-US')}
                  </td>
                  <td className="py-1 pr-2 text-right tabular-nums">{formatBytes(e.txBytes)}</td>
                  <td className="py-1 pr-2 text-right tabular-nums">{formatBytes(e.rxBytes)}</td>
                  <td className="py-1 font-mono text-xs">{e.serverPorts.join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
