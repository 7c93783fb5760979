'use client';
/**
 * The per-host dashboard: one card per catalog tool, each with its view filled by the tool's latest
 * run on this host, live while a run is going (one SSE stream for the whole host).
 */
import Link from 'next/link';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicRun } from '@/lib/runs/types';
import { TERMINAL } from '@/lib/runs/types';
import type { VizKind } from '@/lib/tools/catalog';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { formatDateTime } from '@/lib/format/date';
import { ToolResultView } from '@/components/viz/ToolResultView';
import { useHostEvents, type LiveRun } from '@/components/dashboard/useHostEvents';
import { ReportLink } from '@/components/reports/ReportLink';
import { UpstreamTools, type UpstreamToolRow } from '@/components/dashboard/UpstreamTools';

export interface DashboardTool {
  id: string;
  title: string;
  summary: string;
  viz: VizKind;
  overhead: string;
  defaultDurationSec: number;
  minDurationSec: number;
  maxDurationSec: number;
  /** script variant this host gets, from its last check */
  variant: string | null;
  /** why it cannot run on this host, in plain words; null = it can (or the host is unchecked) */
  unavailable: string | null;
  docs: { man: string; example: string };
  /** the tool's settable parameters (ext4slower's threshold), integers in [min, max] */
  params: Array<{ name: string; label: string; description: string; min: number; max: number; default: number }>;
}

const DURATIONS_SEC = [10, 15, 20, 30, 45, 60];
const btn = 'rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50';

export function HostDashboard({
  hostId,
  pinned,
  checked = true,
  tools,
  initialLatest,
  upstream = null,
}: {
  hostId: string;
  pinned: boolean;
  /** the host package's own tools (its "Upstream tools" section, on the same live stream); null = not listed */
  upstream?: { tools: UpstreamToolRow[] | null; bpftraceVersion: string | null } | null;
  /** the host has been checked (its capabilities are known); until then nothing can be run */
  checked?: boolean;
  tools: DashboardTool[];
  initialLatest: Record<string, PublicRun>;
}) {
  const { latest, live, track } = useHostEvents(hostId, initialLatest);
  const [dashSec, setDashSec] = useState(30);
  const runAll = useMutation({
    mutationFn: () =>
      api<{ runs: PublicRun[]; skipped: Array<{ toolId: string; reason: string }> }>(`/api/hosts/${hostId}/dashboard`, { body: { durationSec: dashSec } }),
    onSuccess: (d) => d.runs.forEach(track),
  });
  const runnable = checked ? tools.filter((t) => !t.unavailable).length : 0;
  const activeRuns = tools.map((t) => latest[t.id]).filter((r): r is PublicRun => !!r && !TERMINAL.has(r.status));
  const anyActive = activeRuns.length > 0;
  // the longest wait among the active runs, from their live progress (or their full duration before any)
  const secondsLeft = Math.max(0, ...activeRuns.map((r) => live[r.id]?.progress?.remainingSec ?? r.durationSec));
  const cancelAll = useMutation({
    mutationFn: async () => {
      const res = await Promise.allSettled(activeRuns.filter((r) => !r.cancelRequested).map((r) => api(`/api/runs/${r.id}/cancel`, { body: {} })));
      const failed = res.filter((x) => x.status === 'rejected');
      if (failed.length > 0)
        throw new Error(
          `${failed.length} of ${res.length} runs could not be cancelled: ${String((failed[0] as PromiseRejectedResult).reason?.message ?? failed[0])}`,
        );
    },
  });

  return (
    <section aria-label="Dashboard" className="space-y-4">
      {anyActive && (
        <div
          role="status"
          data-testid="sticky-progress"
          className="sticky top-0 z-20 flex flex-wrap items-center gap-3 rounded border border-indigo-200 bg-indigo-50 px-4 py-2 text-sm text-indigo-950 shadow-sm"
        >
          <span className="font-medium">
            {activeRuns.length} running · {Math.ceil(secondsLeft)} s left
          </span>
          <span className="hidden text-indigo-900 sm:inline">{activeRuns.map((r) => r.toolId).join(', ')}</span>
          <button
            type="button"
            onClick={() => cancelAll.mutate()}
            disabled={!pinned || cancelAll.isPending || activeRuns.every((r) => r.cancelRequested)}
            className="ml-auto rounded border border-red-300 bg-white px-2 py-0.5 text-red-800 hover:bg-red-50 disabled:opacity-50"
          >
            {cancelAll.isPending || activeRuns.every((r) => r.cancelRequested) ? 'Cancelling…' : 'Cancel all'}
          </button>
          {cancelAll.error && <span className="w-full text-red-800">{cancelAll.error.message}</span>}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3 rounded border border-slate-200 bg-white p-4">
        <div className="flex-1">
          <h2 className="font-semibold">Dashboard</h2>
          <p className="text-sm text-slate-600">
            {checked ? (
              <>
                {runnable} of {tools.length} tools can run on this host. &quot;Run the dashboard&quot; starts them together, so every view covers the same
                window of time.
              </>
            ) : (
              <span data-testid="not-checked">This host is not checked yet: check the host first (above) to learn which tools can run here.</span>
            )}
          </p>
        </div>
        <label className="text-sm">
          Duration{' '}
          <select
            aria-label="Dashboard duration in seconds"
            value={dashSec}
            onChange={(e) => setDashSec(Number(e.target.value))}
            className="rounded border border-slate-300 px-1 py-1"
          >
            {DURATIONS_SEC.map((s) => (
              <option key={s} value={s}>
                {s} s
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={`${btn} bg-indigo-600 text-white hover:bg-indigo-700`}
          disabled={!pinned || runAll.isPending || anyActive || runnable === 0}
          onClick={() => runAll.mutate()}
        >
          {runAll.isPending ? 'Starting…' : `Run the dashboard (${runnable} ${runnable === 1 ? 'tool' : 'tools'}, ${dashSec} s)`}
        </button>
        <div className="w-full">
          <ErrorBox error={runAll.error} title="The dashboard was not started" />
          {runAll.data && runAll.data.skipped.length > 0 && (
            <p className="text-sm text-slate-600">Not started: {runAll.data.skipped.map((s) => `${s.toolId} (${s.reason})`).join('; ')}</p>
          )}
        </div>
      </div>
      <div className="grid items-start gap-4 xl:grid-cols-2">
        {tools.map((t) => (
          <ToolCard
            key={t.id}
            hostId={hostId}
            pinned={pinned}
            checked={checked}
            tool={t}
            run={latest[t.id] ?? null}
            live={latest[t.id] ? live[latest[t.id].id] : undefined}
            onStarted={track}
          />
        ))}
      </div>
      {upstream && (
        <UpstreamTools
          hostId={hostId}
          pinned={pinned && checked}
          tools={upstream.tools}
          bpftraceVersion={upstream.bpftraceVersion}
          latest={latest}
          live={live}
          onStarted={track}
        />
      )}
    </section>
  );
}

function ToolCard({
  hostId,
  pinned,
  checked,
  tool,
  run,
  live,
  onStarted,
}: {
  hostId: string;
  pinned: boolean;
  checked: boolean;
  tool: DashboardTool;
  run: PublicRun | null;
  live: LiveRun | undefined;
  onStarted: (r: PublicRun) => void;
}) {
  const [durationSec, setDurationSec] = useState(Math.min(tool.maxDurationSec, Math.max(tool.minDurationSec, 30)));
  // as typed; sent only when not the default (the server checks them again)
  const [paramText, setParamText] = useState<Record<string, string>>(() => Object.fromEntries(tool.params.map((p) => [p.name, String(p.default)])));
  const paramError = tool.params
    .filter((p) => {
      const t = paramText[p.name].trim();
      return !/^-?\d+$/.test(t) || Number(t) < p.min || Number(t) > p.max;
    })
    .map((p) => `${p.label}: a whole number from ${p.min} to ${p.max}`)
    .join('; ');
  const params = Object.fromEntries(tool.params.filter((p) => Number(paramText[p.name]) !== p.default).map((p) => [p.name, Number(paramText[p.name])]));
  const start = useMutation({
    mutationFn: () =>
      api<{ run: PublicRun }>('/api/runs', { body: { hostId, toolId: tool.id, durationSec, ...(Object.keys(params).length ? { params } : {}) } }),
    onSuccess: ({ run: r }) => onStarted(r),
  });
  const cancel = useMutation({ mutationFn: (id: string) => api(`/api/runs/${id}/cancel`, { body: {} }) });
  const active = run !== null && !TERMINAL.has(run.status);
  const done = run !== null && TERMINAL.has(run.status);
  // A finished run's result comes from the live stream if we watched it finish, else from the API.
  const stored = useQuery({
    queryKey: ['run-result', run?.id],
    queryFn: () => api<{ result: unknown }>(`/api/runs/${run!.id}/result`).then((d) => d.result),
    enabled: done && !!run?.hasResult && !live?.result,
    staleTime: Infinity,
  });
  const result = live?.result ?? stored.data ?? null;
  const progress = live?.progress;
  const fraction = done ? 1 : progress ? progress.elapsedSec / (run?.durationSec || 1) : 0;
  const options = DURATIONS_SEC.filter((s) => s >= tool.minDurationSec && s <= tool.maxDurationSec);
  // Expanded: the card takes the whole row of the grid (the card stays mounted, so its state is kept).
  const [expanded, setExpanded] = useState(false);

  return (
    <article
      data-testid={`card-${tool.id}`}
      data-expanded={expanded ? 'true' : 'false'}
      aria-label={`${tool.title} (${tool.id})`}
      className={`flex min-w-0 flex-col gap-2 rounded border border-slate-200 bg-white p-4 ${expanded ? 'xl:col-span-2' : ''}`}
    >
      <header className="flex flex-wrap items-start gap-2">
        <div className="min-w-[14rem] flex-1">
          <h3 className="font-semibold">
            {tool.title} <span className="font-mono text-xs font-normal text-slate-500">{tool.id}</span>
          </h3>
          <p className="text-sm text-slate-600">{tool.summary}</p>
          <p className="text-xs text-slate-500">
            overhead: {tool.overhead}
            {tool.variant && <> · variant {tool.variant}</>}
            {' · '}
            <a className="hover:underline" href={tool.docs.example} target="_blank" rel="noreferrer">
              docs
            </a>
          </p>
        </div>
        {/* the controls wrap below the title as one group when the card is narrow */}
        <div className="flex flex-wrap items-center gap-2">
          {tool.params.map((p) => (
            <label key={p.name} className="flex items-center gap-1 text-sm" title={`${p.description} (${p.min} to ${p.max})`}>
              {p.label}
              <input
                type="number"
                inputMode="numeric"
                min={p.min}
                max={p.max}
                step={1}
                aria-label={`${tool.id} ${p.label}`}
                value={paramText[p.name]}
                onChange={(e) => setParamText((v) => ({ ...v, [p.name]: e.target.value }))}
                className="w-20 rounded border border-slate-300 px-1 py-1"
              />
            </label>
          ))}
          <label className="text-sm">
            <select
              aria-label={`${tool.id} duration in seconds`}
              value={durationSec}
              onChange={(e) => setDurationSec(Number(e.target.value))}
              className="rounded border border-slate-300 px-1 py-1"
            >
              {options.map((s) => (
                <option key={s} value={s}>
                  {s} s
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            aria-pressed={expanded}
            aria-label={expanded ? `Shrink ${tool.id} to half a row` : `Expand ${tool.id} to the full row`}
            title={expanded ? 'Shrink to half a row' : 'Expand to the full row'}
            onClick={() => setExpanded((v) => !v)}
            className="hidden rounded border border-slate-300 px-2 py-1 text-sm text-slate-700 hover:bg-slate-50 xl:inline-block"
          >
            {expanded ? 'Shrink' : 'Expand'}
          </button>
          <button
            type="button"
            className={`${btn} bg-indigo-600 text-white hover:bg-indigo-700`}
            disabled={!pinned || !checked || !!tool.unavailable || active || start.isPending || !!paramError}
            onClick={() => start.mutate()}
          >
            {start.isPending ? 'Starting…' : `Run ${tool.id} for ${durationSec}s`}
          </button>
        </div>
      </header>
      {!checked && (
        <p className="rounded bg-slate-100 p-2 text-sm text-slate-800" data-testid={`unchecked-${tool.id}`}>
          Not checked yet: check the host first.
        </p>
      )}
      {tool.unavailable && (
        <p className="rounded bg-slate-100 p-2 text-sm text-slate-800" data-testid={`unavailable-${tool.id}`}>
          Cannot run on this host: {tool.unavailable}
        </p>
      )}
      {paramError && (
        <p role="alert" className="text-sm text-red-700">
          {paramError}
        </p>
      )}
      <ErrorBox error={start.error} title={`${tool.title} was not started`} />
      {run && (
        <div className="space-y-1 text-xs text-slate-600">
          <div className="flex flex-wrap items-center gap-2">
            <RunStatusBadge status={run.status} />
            <Link href={`/runs/${run.id}`} className="text-indigo-700 hover:underline" suppressHydrationWarning>
              {done ? `result of ${formatDateTime(run.endedAt ?? run.createdAt)}` : 'open run'}
            </Link>
            <ReportLink runId={run.id} done={done} anchor={tool.id} />
            <span>{run.durationSec} s</span>
            {run.params &&
              Object.entries(run.params).map(([name, value]) => (
                <span key={name}>
                  {tool.params.find((p) => p.name === name)?.label ?? name} {value}
                </span>
              ))}
            {active && progress && (
              <span data-testid={`progress-text-${tool.id}`}>
                {progress.phase} · {progress.remainingSec.toFixed(0)} s left · {progress.records.toLocaleString()} records
              </span>
            )}
            {done && run.hostCpuSec !== null && (
              <span title="user+system CPU seconds bpftrace used on the host during this run">bpftrace CPU on host: {run.hostCpuSec.toFixed(2)} s</span>
            )}
            {run.lostEvents > 0 && <span className="font-medium text-amber-700">{run.lostEvents.toLocaleString()} events lost</span>}
            {run.rawTruncated && (
              <span className="font-medium text-amber-700" data-testid={`raw-truncated-${tool.id}`}>
                raw output truncated at {(run.rawOutputBytes / 1048576).toFixed(1)} MiB
              </span>
            )}
          </div>
          {active && (
            <div className="flex items-center gap-2">
              <div className="flex-1">
                <ProgressBar value={fraction} label={`${tool.id} progress`} />
              </div>
              <button
                type="button"
                onClick={() => cancel.mutate(run.id)}
                disabled={cancel.isPending || run.cancelRequested}
                className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-800 hover:bg-red-50 disabled:opacity-50"
              >
                {cancel.isPending || run.cancelRequested ? 'Cancelling…' : 'Cancel'}
              </button>
            </div>
          )}
          <ErrorBox error={cancel.error} title="Cancel failed" />
          {run.status === 'failed' && (
            <div data-testid="run-error">
              <ErrorBox live={false} error={run.errorMessage ?? 'failed'} title="The last run failed" />
            </div>
          )}
          {run.status === 'completed' && run.errorMessage && <p className="text-amber-800">{run.errorMessage}</p>}
        </div>
      )}
      <div className="min-w-0">
        {run?.status === 'failed' ? (
          <p className="text-sm text-slate-600" data-testid={`failed-no-result-${tool.id}`}>
            No result: the run failed (its error is above).
          </p>
        ) : run ? (
          <ToolResultView
            toolId={tool.id}
            viz={tool.viz}
            result={result}
            loading={(active && !result) || stored.isLoading}
            error={stored.error ? String(stored.error) : null}
          />
        ) : (
          <p className="text-sm text-slate-500">No run yet.</p>
        )}
      </div>
    </article>
  );
}
