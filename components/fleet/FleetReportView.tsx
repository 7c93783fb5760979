'use client';
/**
 * A fleet report's body (an immutable permalink of a whole fleet run, lib/fleet/types PublicFleetReport):
 * the hosts with their own one-host reports, what each ran, failed or skipped and why, then every
 * tool's fleet view (merged flame graph, latency overview, event tables, ...) from the snapshot's
 * results, with exports that carry the host. Host text is rendered escaped.
 */
import Link from 'next/link';
import { useState } from 'react';
import type { PublicFleetReport } from '@/lib/fleet/types';
import { escapeControl } from '@/lib/viz/format';
import { toolLabel } from '@/lib/viz/labels';
import { FleetToolView } from '@/components/fleet/FleetToolView';
import { FleetExportLinks } from '@/components/fleet/FleetExportLinks';
import { FleetStatusBadge } from '@/components/fleet/FleetStatusBadge';

export function FleetReportView({ reportId, fleet }: { reportId: string; fleet: PublicFleetReport }) {
  const tools = Object.keys(fleet.results);
  const [tool, setTool] = useState<string | null>(tools.find((t) => fleet.results[t].some((h) => h.status === 'completed')) ?? tools[0] ?? null);
  const c = fleet.counts;
  return (
    <div className="space-y-6" data-testid="fleet-report">
      <section className="space-y-2 rounded border border-slate-200 bg-white p-4" aria-label="Fleet run">
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <FleetStatusBadge status={fleet.status} />
          <span className="text-slate-700">
            {fleet.hosts.length} hosts · {c.completed} completed · {c.failed} failed{c.cancelled ? ` · ${c.cancelled} cancelled` : ''}
            {c.skipped ? ` · ${c.skipped} skipped` : ''}
          </span>
          <span className="text-xs text-slate-600">
            {fleet.selector ? `selector ${escapeControl(fleet.selector)} · ` : ''}
            {fleet.toolIds === 'dashboard' ? 'the whole dashboard' : fleet.toolIds.map(toolLabel).join(', ')} · {fleet.fanout} hosts at a time
          </span>
          <Link href={`/fleet-runs/${fleet.fleetRunId}`} className="ml-auto text-indigo-700 hover:underline">
            the fleet run
          </Link>
        </div>
        <table className="w-full text-sm" data-testid="fleet-report-hosts" aria-label="Hosts of the fleet report">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-2 font-medium">Host</th>
              <th className="py-1 pr-2 font-medium">Tags</th>
              <th className="py-1 pr-2 font-medium">Kernel · bpftrace · CPUs</th>
              <th className="py-1 font-medium">Tools</th>
            </tr>
          </thead>
          <tbody>
            {fleet.hosts.map((h) => (
              <tr key={h.hostName} className="border-t border-slate-100 align-top" data-host={h.hostName}>
                <td className="py-1 pr-2 font-mono">
                  {h.reportId ? (
                    <Link href={`/reports/${h.reportId}`} className="text-indigo-700 hover:underline" title="this host's own report">
                      {escapeControl(h.hostName)}
                    </Link>
                  ) : (
                    escapeControl(h.hostName)
                  )}
                  <div className="text-xs text-slate-500">{escapeControl(h.address)}</div>
                </td>
                <td className="py-1 pr-2 font-mono text-xs">
                  {Object.entries(h.tags)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ')}
                </td>
                <td className="py-1 pr-2 text-xs">
                  {escapeControl(h.kernelRelease ?? '—')} · {escapeControl(h.bpftraceVersion ?? '—')} · {h.cpuCount ?? '—'}
                </td>
                <td className="py-1 text-xs">
                  {h.items.map((it) => (
                    <div key={it.toolId} data-tool={it.toolId} data-status={it.status}>
                      <span className="font-medium">{it.toolId}</span> {it.status}
                      {it.errorMessage ? <span className="text-red-800">: {escapeControl(it.errorMessage)}</span> : null}
                    </div>
                  ))}
                  {h.skipped.map((s) => (
                    <div key={s.toolId} className="text-slate-500">
                      <span className="font-medium">{s.toolId}</span> skipped: {escapeControl(s.reason)}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {tools.length > 0 && (
        <section className="space-y-3" aria-label="Fleet views">
          <div role="tablist" aria-label="Tool" className="flex flex-wrap gap-1">
            {tools.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tool === t}
                onClick={() => setTool(t)}
                className={`rounded border px-2 py-1 text-sm ${tool === t ? 'border-indigo-500 bg-indigo-50 font-medium text-indigo-900' : 'border-slate-300 hover:bg-slate-50'}`}
              >
                {t}
              </button>
            ))}
          </div>
          {tool && (
            <div key={tool} className="space-y-3">
              <FleetExportLinks base={`/api/reports/${reportId}/fleet-export`} toolId={tool} hosts={fleet.results[tool]} />
              <FleetToolView toolId={tool} hosts={fleet.results[tool]} />
            </div>
          )}
        </section>
      )}
    </div>
  );
}
