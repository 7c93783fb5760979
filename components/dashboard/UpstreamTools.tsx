'use client';
/**
 * The host page's "Upstream tools": the .bt tools the host's own bpftrace package ships (from its last
 * check), each with its description, man page and example (at the host's bpftrace release), and a Run
 * button, or the plain reason it cannot run on this kernel. A run is a Run like a catalog tool's
 * (lib/runs/upstream.ts): it goes live on the host's one SSE stream (shared with the dashboard, so
 * `latest`/`live` come from HostDashboard) and its result is drawn by the generic views.
 */
import Link from 'next/link';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api.client';
import type { PublicRun } from '@/lib/runs/types';
import { TERMINAL } from '@/lib/runs/types';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { ReportLink } from '@/components/reports/ReportLink';
import { ToolResultView } from '@/components/viz/ToolResultView';
import { EscapedText } from '@/components/viz/EscapedText';
import type { LiveRun } from '@/components/dashboard/useHostEvents';

export interface UpstreamToolRow {
  /** "runqlat" (its run's toolId is "runqlat.bt") */
  name: string;
  path: string;
  description: string;
  man: string;
  example: string;
  /** why it cannot run on this host, in plain words; null = it can */
  blocker: string | null;
}

/** the upstream limits are 5 to 300 s (lib/runs/upstream.ts) */
const DURATIONS_SEC = [5, 10, 15, 30, 60, 120, 300];

export function UpstreamTools({
  hostId,
  pinned,
  tools,
  bpftraceVersion,
  latest,
  live,
  onStarted,
}: {
  hostId: string;
  /** the host key is pinned and the person may run tools */
  pinned: boolean;
  /** null: the host's last check did not list them (or it has not been checked) */
  tools: UpstreamToolRow[] | null;
  bpftraceVersion: string | null;
  latest: Record<string, PublicRun>;
  live: Record<string, LiveRun>;
  onStarted: (r: PublicRun) => void;
}) {
  const [durationSec, setDurationSec] = useState(10);
  const runnable = tools?.filter((t) => !t.blocker).length ?? 0;
  return (
    <section aria-labelledby="upstream-h" data-testid="upstream-tools" className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-3">
        <div className="flex-1">
          <h2 id="upstream-h" className="font-semibold">
            Upstream tools
          </h2>
          <p className="text-sm text-slate-600">
            {tools === null ? (
              'Check the host (above) to list the tools its bpftrace package ships.'
            ) : (
              <>
                {tools.length} tools shipped by this host&apos;s bpftrace package{bpftraceVersion ? ` (${bpftraceVersion})` : ''}, {runnable} of them can run on
                its kernel. Each runs the host&apos;s own file; the views are chosen from what it prints.
              </>
            )}
          </p>
        </div>
        <label className="text-sm">
          Duration{' '}
          <select
            aria-label="Upstream tool duration in seconds"
            value={durationSec}
            onChange={(e) => setDurationSec(Number(e.target.value))}
            className="rounded border border-slate-300 px-1 py-1"
          >
            {DURATIONS_SEC.map((s) => (
              <option key={s} value={s}>
                {s} s
              </option>
            ))}
          </select>
        </label>
      </div>
      {tools !== null && tools.length === 0 && <p className="text-sm text-slate-600">No .bt tools found in /usr/sbin or /usr/share/bpftrace/tools.</p>}
      {tools !== null && tools.length > 0 && (
        <ul className="divide-y divide-slate-100 text-sm">
          {tools.map((t) => {
            const run = latest[`${t.name}.bt`] ?? null;
            return (
              <UpstreamToolItem
                key={t.name}
                hostId={hostId}
                pinned={pinned}
                tool={t}
                durationSec={durationSec}
                run={run}
                live={run ? live[run.id] : undefined}
                onStarted={onStarted}
              />
            );
          })}
        </ul>
      )}
    </section>
  );
}

function UpstreamToolItem({
  hostId,
  pinned,
  tool,
  durationSec,
  run,
  live,
  onStarted,
}: {
  hostId: string;
  pinned: boolean;
  tool: UpstreamToolRow;
  durationSec: number;
  run: PublicRun | null;
  live: LiveRun | undefined;
  onStarted: (r: PublicRun) => void;
}) {
  const id = `${tool.name}.bt`;
  const start = useMutation({
    mutationFn: () => api<{ run: PublicRun }>(`/api/hosts/${hostId}/upstream-runs`, { body: { tool: tool.name, durationSec } }),
    onSuccess: ({ run: r }) => onStarted(r),
  });
  const cancel = useMutation({ mutationFn: (runId: string) => api(`/api/runs/${runId}/cancel`, { body: {} }) });
  const active = run !== null && !TERMINAL.has(run.status);
  const done = run !== null && TERMINAL.has(run.status);
  const stored = useQuery({
    queryKey: ['run-result', run?.id],
    queryFn: () => api<{ result: unknown }>(`/api/runs/${run!.id}/result`).then((d) => d.result),
    enabled: done && !!run?.hasResult && !live?.result,
    staleTime: Infinity,
  });
  const result = live?.result ?? stored.data ?? null;
  const progress = live?.progress;
  const fraction = done ? 1 : progress && run ? progress.elapsedSec / (run.durationSec || 1) : 0;

  return (
    <li className="space-y-2 py-2" data-testid="upstream-tool" data-tool={tool.name}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-mono font-medium">{id}</span>
        <span className="min-w-[12rem] flex-1 text-slate-700">
          <EscapedText text={tool.description} />
        </span>
        <a href={tool.man} className="text-indigo-700 hover:underline" target="_blank" rel="noreferrer noopener">
          man page
        </a>
        <a href={tool.example} className="text-indigo-700 hover:underline" target="_blank" rel="noreferrer noopener">
          examples
        </a>
        {!tool.blocker && (
          <button
            type="button"
            className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
            disabled={!pinned || active || start.isPending}
            onClick={() => start.mutate()}
          >
            {start.isPending ? 'Starting…' : `Run ${id} for ${durationSec}s`}
          </button>
        )}
      </div>
      {tool.blocker && (
        <p className="rounded bg-slate-100 p-2 text-slate-800" data-testid={`upstream-blocked-${tool.name}`}>
          Cannot run on this host: {tool.blocker}
        </p>
      )}
      <ErrorBox error={start.error} title={`${id} was not started`} />
      {run && (
        <div className="space-y-2 rounded border border-slate-100 p-2" data-testid={`upstream-run-${tool.name}`}>
          <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
            <RunStatusBadge status={run.status} />
            <Link href={`/runs/${run.id}`} className="text-indigo-700 hover:underline">
              {done ? 'open run' : 'open live run'}
            </Link>
            <ReportLink runId={run.id} done={done} anchor={id} />
            <span>{run.durationSec} s</span>
            {run.scriptSha256 && <span className="font-mono">sha256 {run.scriptSha256.slice(0, 12)}…</span>}
            {run.scriptFixes.length > 0 && <span className="text-amber-800">upstream fix applied: {run.scriptFixes.map((f) => f.id).join(', ')}</span>}
            {active && progress && (
              <span>
                {progress.phase} · {progress.remainingSec.toFixed(0)} s left · {progress.records.toLocaleString()} records
              </span>
            )}
            {done && run.rawOutputBytes > 0 && (
              <a href={`/api/runs/${run.id}/raw`} className="text-indigo-700 hover:underline">
                raw output
              </a>
            )}
          </div>
          {active && (
            <div className="flex items-center gap-2">
              <div className="flex-1">
                <ProgressBar value={fraction} label={`${id} progress`} />
              </div>
              <button
                type="button"
                onClick={() => cancel.mutate(run.id)}
                disabled={!pinned || cancel.isPending || run.cancelRequested}
                className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-800 hover:bg-red-50 disabled:opacity-50"
              >
                {cancel.isPending || run.cancelRequested ? 'Cancelling…' : 'Cancel'}
              </button>
            </div>
          )}
          <ErrorBox error={cancel.error} title="Cancel failed" />
          {run.status === 'failed' ? (
            <div data-testid="run-error">
              <ErrorBox live={false} error={run.errorMessage ?? 'failed'} title={`${id} failed`} />
            </div>
          ) : (
            <>
              {run.status === 'completed' && run.errorMessage && <p className="text-xs text-amber-800">{run.errorMessage}</p>}
              <ToolResultView
                toolId={id}
                viz="generic"
                result={result}
                loading={(active && !result) || stored.isLoading}
                error={stored.error ? String(stored.error) : null}
              />
            </>
          )}
        </div>
      )}
    </li>
  );
}
