'use client';
/**
 * The merged flame graph of a fleet run (lib/fleet/views/flame.ts): every host's samples summed, with
 * options to normalise by each host's CPU count and to keep a host level. Clicking a frame shows, below
 * the graph, its share per host twice: for that exact call path, and for the function wherever it is on
 * the stack (hosts' call paths differ: another libc, frames a host could not symbolise). Pure: takes
 * the hosts' results, never fetches; export links come from the parent.
 */
import { useMemo, useState } from 'react';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { hostsWithout } from '@/lib/fleet/views/hosts';
import { frameShares, functionShares, mergeFlame, type FlameNormalize, type FramePathStep, type FrameShare } from '@/lib/fleet/views/flame';
import { escapeControl } from '@/lib/viz/format';
import { FlameGraph } from '@/components/viz/FlameGraph';
import { TopFunctionsTable } from '@/components/viz/TopFunctionsTable';
import { VizEmpty } from '@/components/viz/VizStates';
import { exactNameRegex } from '@/lib/viz/flame';

export interface FleetFlameGraphProps {
  hosts: ReadonlyArray<FleetHostInput<unknown>>;
  label?: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function FleetFlameGraph({ hosts, label = 'Merged CPU flame graph' }: FleetFlameGraphProps) {
  const [normalize, setNormalize] = useState<FlameNormalize>('samples');
  const [groupByHost, setGroupByHost] = useState(false);
  const [clicked, setClicked] = useState<FramePathStep[] | null>(null);
  const [searchTerm, setSearchTerm] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<string | null>(null);
  const merged = useMemo(() => mergeFlame(hosts, { normalize, groupByHost }), [hosts, normalize, groupByHost]);
  const missing = useMemo(() => hostsWithout(hosts, ['profile']), [hosts]);
  const frame = clicked && clicked.length > 0 ? clicked[clicked.length - 1] : null;
  const pathShares = useMemo(() => (clicked ? frameShares(hosts, clicked, { normalize, groupByHost }) : null), [hosts, clicked, normalize, groupByHost]);
  const fnName = frame && (frame.kind === 'user' || frame.kind === 'kernel') ? frame.name : selected;
  const fnShares = useMemo(() => (fnName ? functionShares(hosts, fnName, { normalize }) : null), [hosts, fnName, normalize]);

  if (merged.hosts.length === 0) {
    return (
      <VizEmpty label={label}>
        No host has a profile{missing.length ? `: ${missing.map((m) => `${escapeControl(m.hostName)} (${escapeControl(m.why)})`).join(', ')}` : ''}.
      </VizEmpty>
    );
  }
  return (
    <div className="space-y-3" data-testid="fleet-flamegraph">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-700">
        <span data-testid="fleet-flame-samples">
          {merged.samples.toLocaleString('en-US')} samples at {merged.sampleHz} Hz from {merged.hosts.length} host{merged.hosts.length === 1 ? '' : 's'}
          {normalize === 'per-cpu' ? ` · widths in samples per CPU (${fmt(merged.root.value)})` : ''}
        </span>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={normalize === 'per-cpu'} onChange={(e) => setNormalize(e.target.checked ? 'per-cpu' : 'samples')} /> Normalise by CPU
          count
        </label>
        <label className="flex items-center gap-1">
          <input
            type="checkbox"
            checked={groupByHost}
            onChange={(e) => {
              setGroupByHost(e.target.checked);
              setClicked(null);
            }}
          />{' '}
          One tower per host
        </label>
      </div>
      {merged.cpuUnknown.length > 0 && (
        <p className="text-xs text-amber-800">CPU count unknown (weighed as 1 CPU): {merged.cpuUnknown.map(escapeControl).join(', ')}</p>
      )}
      {merged.pruned && (
        <p className="text-xs text-slate-600">
          Pruned for display: {merged.pruned.nodesBefore.toLocaleString('en-US')} → {merged.pruned.nodesAfter.toLocaleString('en-US')} frames (the widest kept).
        </p>
      )}
      <FlameGraph
        root={merged.root}
        label={label}
        valueUnit={merged.unit}
        searchTerm={searchTerm}
        onFrameClick={(p) => {
          setClicked(p);
          setSelected(null);
        }}
      />
      <section aria-label="Share per host" className="space-y-2" data-testid="fleet-frame-shares">
        {!clicked && !fnName ? (
          <p className="text-sm text-slate-600">Click a frame (or pick a function below) to see which hosts burn it.</p>
        ) : (
          <div className="grid gap-4 lg:grid-cols-2">
            {pathShares && pathShares.path.length > 0 && (
              <SharesTable
                title={`This call path: ${pathShares.path.map((s) => escapeControl(s.name)).join(' → ')}`}
                testId="fleet-path-shares"
                rows={pathShares.hosts}
                unit={merged.unit}
              />
            )}
            {fnShares && (
              <SharesTable
                title={`${escapeControl(fnShares.name)} anywhere on the stack`}
                testId="fleet-function-shares"
                rows={fnShares.hosts}
                unit={merged.unit}
              />
            )}
          </div>
        )}
      </section>
      <TopFunctionsTable
        root={merged.root}
        limit={20}
        selected={selected}
        onSelect={(name) => {
          setSelected(name);
          setClicked(null);
          setSearchTerm(name === null ? '' : exactNameRegex(name));
        }}
      />
      {missing.length > 0 && (
        <p className="text-xs text-slate-600" data-testid="fleet-flame-missing">
          Not in the graph: {missing.map((m) => `${escapeControl(m.hostName)} (${escapeControl(m.why)})`).join('; ')}
        </p>
      )}
    </div>
  );
}

function SharesTable({ title, rows, unit, testId }: { title: string; rows: FrameShare[]; unit: string; testId: string }) {
  const max = rows.reduce((m, r) => Math.max(m, r.shareOfFrame), 0) || 1;
  return (
    <div className="min-w-0">
      <h4 className="mb-1 break-words font-mono text-xs font-medium text-slate-800">{title}</h4>
      <table className="w-full text-sm" data-testid={testId}>
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1 pr-2 font-medium">Host</th>
            <th className="py-1 pr-2 text-right font-medium">{unit}</th>
            <th className="py-1 pr-2 font-medium">share of the frame</th>
            <th className="py-1 text-right font-medium" title="the frame's samples as a share of all the host's samples">
              of the host
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.hostId} data-host={r.hostName} className="border-t border-slate-100">
              <td className="py-1 pr-2 font-mono">{escapeControl(r.hostName)}</td>
              <td className="py-1 pr-2 text-right tabular-nums">{fmt(r.value)}</td>
              <td className="py-1 pr-2">
                <div className="flex items-center gap-2">
                  <div className="h-2 w-32 rounded bg-slate-100" aria-hidden="true">
                    <div className="h-2 rounded bg-orange-500" style={{ width: `${(100 * r.shareOfFrame) / max}%` }} />
                  </div>
                  <span className="tabular-nums" data-testid="share-of-frame">
                    {pct(r.shareOfFrame)}
                  </span>
                </div>
              </td>
              <td className="py-1 text-right tabular-nums">{pct(r.shareOfHost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
