'use client';
/**
 * The fleet run page's live part: a grid of hosts x tools (each run's state, its progress while it runs,
 * its error when it failed; tools a host cannot run, with the reason from its check), "Cancel all",
 * then the fleet views of each tool that has results (components/fleet/FleetToolView, fetched per tool
 * and again as more hosts finish) with their exports, and the fleet report once made. Host text is
 * rendered as text with control characters escaped.
 */
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import type { PublicFleetRun } from '@/lib/fleet/types';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { TERMINAL } from '@/lib/runs/types';
import { api, ApiError } from '@/lib/api.client';
import { escapeControl } from '@/lib/viz/format';
import { toolLabel } from '@/lib/viz/labels';
import { connectFleetEvents, isFleetLive, type FleetView } from '@/components/fleet/fleet-events';
import { FleetToolView } from '@/components/fleet/FleetToolView';
import { FleetExportLinks } from '@/components/fleet/FleetExportLinks';
import { FleetStatusBadge } from '@/components/fleet/FleetStatusBadge';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { ProgressBar } from '@/components/ui/ProgressBar';

export interface FleetRunLiveProps {
  initial: PublicFleetRun;
  canOperate: boolean;
  /** the fleet report's id when the page was rendered */
  reportId: string | null;
}

export function FleetRunLive({ initial, canOperate, reportId: initialReport }: FleetRunLiveProps) {
  const [view, setView] = useState<FleetView>({ fleet: initial, progress: {}, connected: false, ended: !isFleetLive(initial) });
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [reportId, setReportId] = useState<string | null>(initialReport);
  useEffect(() => {
    if (!isFleetLive(initial)) return;
    return connectFleetEvents(
      new EventSource(`/api/fleet-runs/${initial.id}/events?partials=0`),
      { fleet: initial, progress: {}, connected: false, ended: false },
      setView,
    );
  }, [initial]);
  const f = view.fleet;
  const live = isFleetLive(f);

  // the report is made by the server when the last run ends: ask for its id then (operators may also make it)
  useEffect(() => {
    if (live || reportId || !canOperate) return;
    let gone = false;
    api<{ report: { id: string } }>(`/api/fleet-runs/${f.id}/report`, { method: 'POST', body: {} }).then(
      (r) => !gone && setReportId(r.report.id),
      () => undefined,
    );
    return () => {
      gone = true;
    };
  }, [live, reportId, canOperate, f.id]);

  const tools = useMemo(() => {
    const ids: string[] = [];
    for (const h of f.hosts) for (const r of h.runs) if (!ids.includes(r.toolId)) ids.push(r.toolId);
    return ids;
  }, [f]);
  /** per tool: how many of its runs completed (the views refetch when it grows) */
  const completedByTool = useMemo(() => {
    const m: Record<string, number> = {};
    for (const h of f.hosts) for (const r of h.runs) if (r.status === 'completed') m[r.toolId] = (m[r.toolId] ?? 0) + 1;
    return m;
  }, [f]);
  const [tool, setTool] = useState<string | null>(null);
  const shownTool = tool ?? tools.find((t) => completedByTool[t]) ?? null;

  const cancelAll = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      const r = await api<{ fleetRun: PublicFleetRun }>(`/api/fleet-runs/${f.id}/cancel`, { method: 'POST', body: {} });
      setView((v) => ({ ...v, fleet: r.fleetRun }));
    } catch (e) {
      setCancelError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setCancelling(false);
    }
  };

  const c = f.counts;
  return (
    <div className="space-y-6">
      <section className="space-y-2" aria-label="Fleet run">
        <div className="flex flex-wrap items-center gap-3">
          <FleetStatusBadge status={f.status} />
          <span className="text-sm text-slate-700" data-testid="fleet-counts">
            {f.hosts.length} hosts · {c.completed} completed · {c.running + c.connecting} running · {c.queued} queued · {c.failed} failed
            {c.cancelled ? ` · ${c.cancelled} cancelled` : ''}
            {c.skipped ? ` · ${c.skipped} skipped` : ''}
          </span>
          <span className="text-xs text-slate-500">{view.connected ? 'live' : live ? 'connecting…' : ''}</span>
          {canOperate && live && (
            <button
              type="button"
              onClick={cancelAll}
              disabled={cancelling || f.cancelRequested}
              className="ml-auto rounded border border-red-300 bg-red-50 px-3 py-1 text-sm font-medium text-red-800 hover:bg-red-100 disabled:opacity-50"
            >
              {f.cancelRequested ? 'Cancelling…' : 'Cancel all'}
            </button>
          )}
          {reportId && (
            <Link href={`/reports/${reportId}`} className="ml-auto text-sm font-medium text-indigo-700 hover:underline" data-testid="fleet-report-link">
              Fleet report (permalink)
            </Link>
          )}
        </div>
        {cancelError && (
          <p role="alert" className="text-sm text-red-700">
            {cancelError}
          </p>
        )}
        <p className="text-xs text-slate-600">
          {f.selector ? (
            <>
              selector <code className="font-mono">{escapeControl(f.selector)}</code> ·{' '}
            </>
          ) : null}
          {f.toolIds === 'dashboard' ? 'the whole dashboard' : f.toolIds.map(toolLabel).join(', ')} · {f.durationSec} s · {f.fanout} hosts at a time · started
          by {escapeControl(f.requestedBy)}
        </p>
      </section>

      <HostGrid fleet={f} tools={tools} progress={view.progress} />

      {tools.length > 0 && (
        <section className="space-y-3" aria-label="Fleet views">
          <h2 className="text-lg font-semibold">Fleet views</h2>
          <div role="tablist" aria-label="Tool" className="flex flex-wrap gap-1">
            {tools.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={shownTool === t}
                onClick={() => setTool(t)}
                className={`rounded border px-2 py-1 text-sm ${shownTool === t ? 'border-indigo-500 bg-indigo-50 font-medium text-indigo-900' : 'border-slate-300 hover:bg-slate-50'}`}
              >
                {t} <span className="text-xs text-slate-500">({completedByTool[t] ?? 0})</span>
              </button>
            ))}
          </div>
          {shownTool && (
            <ToolResults
              key={shownTool}
              url={`/api/fleet-runs/${f.id}/results?toolId=${encodeURIComponent(shownTool)}`}
              exportBase={`/api/fleet-runs/${f.id}/export`}
              toolId={shownTool}
              version={completedByTool[shownTool] ?? 0}
            />
          )}
        </section>
      )}
    </div>
  );
}

function HostGrid({ fleet, tools, progress }: { fleet: PublicFleetRun; tools: string[]; progress: FleetView['progress'] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm" data-testid="fleet-grid" aria-label="Hosts of the fleet run">
        <thead className="bg-slate-100 text-left text-xs text-slate-600">
          <tr>
            <th className="px-2 py-1">Host</th>
            {tools.map((t) => (
              <th key={t} className="px-2 py-1">
                {t}
              </th>
            ))}
            <th className="px-2 py-1">Skipped</th>
          </tr>
        </thead>
        <tbody>
          {fleet.hosts.map((h) => (
            <tr key={h.hostId} className="border-t border-slate-100 align-top" data-host={h.hostName}>
              <td className="px-2 py-1">
                <Link href={`/hosts/${h.hostId}`} className="font-mono text-indigo-700 hover:underline">
                  {escapeControl(h.hostName)}
                </Link>
                <div className="font-mono text-xs text-slate-500">
                  {Object.entries(h.tags)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ')}
                </div>
              </td>
              {tools.map((t) => {
                const r = h.runs.find((x) => x.toolId === t);
                if (!r) return <td key={t} className="px-2 py-1 text-xs text-slate-400" />;
                const p = progress[r.id];
                return (
                  <td key={t} className="min-w-32 px-2 py-1" data-tool={t} data-status={r.status}>
                    <Link href={`/runs/${r.id}`} className="hover:underline" title="this host's run">
                      <RunStatusBadge status={r.status} />
                    </Link>
                    {!TERMINAL.has(r.status) && p && (
                      <div className="mt-1 w-28">
                        <ProgressBar value={r.durationSec > 0 ? p.elapsedSec / r.durationSec : 0} label={`${escapeControl(h.hostName)} ${t}: progress`} />
                        <div className="text-[10px] text-slate-500">{escapeControl(p.phase)}</div>
                      </div>
                    )}
                    {r.errorMessage && (
                      <div className="mt-1 max-w-xs break-words text-xs text-red-800" data-testid="fleet-host-error">
                        {escapeControl(r.errorMessage)}
                      </div>
                    )}
                  </td>
                );
              })}
              <td className="px-2 py-1 text-xs text-slate-600" data-testid="fleet-host-skipped">
                {h.skipped.map((s) => (
                  <div key={s.toolId}>
                    <span className="font-medium">{s.toolId}</span>: {escapeControl(s.reason)}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One tool's results over the fleet, fetched (again when `version` grows), drawn, with export links. */
export function ToolResults({ url, exportBase, toolId, version }: { url: string; exportBase: string; toolId: string; version: number }) {
  const [hosts, setHosts] = useState<FleetHostInput[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    api<{ toolId: string; hosts: FleetHostInput[] }>(url).then(
      (r) => !gone && setHosts(r.hosts),
      (e) => !gone && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      gone = true;
    };
  }, [url, version]);
  if (error)
    return (
      <p role="alert" className="text-sm text-red-700">
        {error}
      </p>
    );
  if (!hosts) return <p className="text-sm text-slate-500">Loading {toolId} results…</p>;
  return (
    <div className="space-y-3">
      <FleetExportLinks base={exportBase} toolId={toolId} hosts={hosts} />
      <FleetToolView toolId={toolId} hosts={hosts} />
    </div>
  );
}
