'use client';
/**
 * Latency of a fleet run (biolatency, runqlat): an overview of hosts x p50/p90/p99, each cell shaded by
 * its ratio to the fleet's median host and outliers marked (lib/fleet/views/latency.ts says how they are
 * judged), a "fleet" row of every latency summed; below it each host's own heat map, side by side,
 * outliers first. Pure: takes the hosts' results.
 */
import { useMemo } from 'react';
import type { LatencyHeatmapResult } from '@/lib/tools/types';
import { hostsWithout, withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';
import { alignLatencyRows, heatmapOrder, latencyOverview, OUTLIER_RATIO, type LatencyCell } from '@/lib/fleet/views/latency';
import { escapeControl, formatDuration } from '@/lib/viz/format';
import { LatencyHeatmap } from '@/components/viz/LatencyHeatmap';
import { VizEmpty } from '@/components/viz/VizStates';

export interface FleetLatencyViewProps {
  hosts: ReadonlyArray<FleetHostInput<unknown>>;
  label: string;
  countNoun?: string;
}

const P = ['p50', 'p90', 'p99'] as const;

/** background of a cell by its ratio to the median host: white at 1x, deepening to red at OUTLIER_RATIO x and past */
function cellStyle(c: LatencyCell): React.CSSProperties {
  if (c.ratio === null || c.ratio <= 1) return {};
  const t = Math.min(1, Math.log(c.ratio) / Math.log(OUTLIER_RATIO * 2));
  return { background: `rgba(220, 38, 38, ${(0.08 + 0.45 * t).toFixed(2)})` };
}

export function FleetLatencyView({ hosts, label, countNoun = 'events' }: FleetLatencyViewProps) {
  const o = useMemo(() => latencyOverview(hosts), [hosts]);
  const order = useMemo(() => heatmapOrder(o), [o]);
  // one y axis for every host's heat map: side by side they compare
  const results = useMemo(() => {
    const hs = withResult<LatencyHeatmapResult>(hosts, ['latency-heatmap']);
    const aligned = alignLatencyRows(hs.map((h) => h.result));
    return new Map(hs.map((h, i) => [h.hostId, { ...h, result: aligned[i] }]));
  }, [hosts]);
  const missing = useMemo(() => hostsWithout(hosts, ['latency-heatmap']), [hosts]);
  if (o.rows.length === 0) return <VizEmpty label={label}>No host has latencies.</VizEmpty>;
  const f = (v: number | null) => (v === null ? '—' : formatDuration(v, o.unit));
  return (
    <div className="space-y-4" data-testid="fleet-latency">
      <table className="text-sm" data-testid="fleet-latency-overview" aria-label={`${label}: percentiles per host`}>
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1 pr-4 font-medium">Host</th>
            <th className="py-1 pr-4 text-right font-medium">{countNoun}</th>
            {P.map((p) => (
              <th key={p} className="px-3 py-1 text-right font-medium">
                {p}
              </th>
            ))}
            <th className="py-1 pl-3 font-medium" />
          </tr>
        </thead>
        <tbody>
          {o.rows.map((r) => (
            <tr key={r.hostId} data-host={r.hostName} data-outlier={r.outlier ? 'yes' : 'no'} className="border-t border-slate-100">
              <td className={`py-1 pr-4 font-mono ${r.outlier ? 'font-semibold text-red-800' : ''}`}>{escapeControl(r.hostName)}</td>
              <td className="py-1 pr-4 text-right tabular-nums">{r.count.toLocaleString('en-US')}</td>
              {P.map((p) => {
                const c = r.cells[p];
                return (
                  <td
                    key={p}
                    className={`px-3 py-1 text-right tabular-nums ${c.outlier ? 'font-semibold text-red-900 ring-1 ring-inset ring-red-400' : ''}`}
                    style={cellStyle(c)}
                    title={c.ratio === null ? undefined : `${c.ratio.toFixed(2)}x the median host (${f(o.median[p])})`}
                    data-outlier={c.outlier ? 'yes' : undefined}
                  >
                    {f(c.value)}
                  </td>
                );
              })}
              <td className="py-1 pl-3 text-xs text-red-800">{r.outlier ? `outlier (${P.filter((p) => r.cells[p].outlier).join(', ')})` : ''}</td>
            </tr>
          ))}
          <tr className="border-t-2 border-slate-300 text-slate-700" data-host="(fleet)">
            <td className="py-1 pr-4 italic">fleet (all summed)</td>
            <td className="py-1 pr-4 text-right tabular-nums">{o.fleet.count.toLocaleString('en-US')}</td>
            <td className="px-3 py-1 text-right tabular-nums">{f(o.fleet.p50)}</td>
            <td className="px-3 py-1 text-right tabular-nums">{f(o.fleet.p90)}</td>
            <td className="px-3 py-1 text-right tabular-nums">{f(o.fleet.p99)}</td>
            <td />
          </tr>
        </tbody>
      </table>
      <p className="text-xs text-slate-600">
        Shaded by the ratio to the median host; an outlier is at least {OUTLIER_RATIO}x the median and far outside the hosts&apos; spread (judged with 3 or more
        hosts of 20+ {countNoun}).{o.tooFew.length > 0 ? ` Too few ${countNoun} to judge: ${o.tooFew.map(escapeControl).join(', ')}.` : ''}
      </p>
      <div className="grid gap-4 xl:grid-cols-2" data-testid="fleet-latency-heatmaps">
        {/* same latency rows on every host (alignLatencyRows); colours scale per host (legend under each) */}
        {order.map((id) => {
          const h = results.get(id)!;
          return (
            <section
              key={id}
              aria-label={`${label} on ${escapeControl(h.hostName)}`}
              className="min-w-0 rounded border border-slate-200 p-2"
              data-host={h.hostName}
            >
              <h4 className="mb-1 font-mono text-sm font-medium">{escapeControl(h.hostName)}</h4>
              <LatencyHeatmap result={h.result} label={`${label} on ${escapeControl(h.hostName)}`} countNoun={countNoun} />
            </section>
          );
        })}
      </div>
      {missing.length > 0 && (
        <p className="text-xs text-slate-600">Not shown: {missing.map((m) => `${escapeControl(m.hostName)} (${escapeControl(m.why)})`).join('; ')}</p>
      )}
    </div>
  );
}
