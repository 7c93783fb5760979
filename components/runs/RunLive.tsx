'use client';
import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import type { PublicRun } from '@/lib/runs/types';
import { TERMINAL } from '@/lib/runs/types';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { formatDateTime } from '@/lib/format/date';
import { ToolResultView } from '@/components/viz/ToolResultView';
import { useFlameUrlState } from '@/lib/viz/flame-url.client';
import type { VizKind } from '@/lib/tools/catalog';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { useRunEvents } from '@/components/runs/useRunEvents';
import { ReportLink } from '@/components/reports/ReportLink';

/** canCancel: the signed-in person may cancel (operator or admin; the API checks too) */
export function RunLive({ initialRun, canCancel = true }: { initialRun: PublicRun; canCancel?: boolean }) {
  const { run, progress, result } = useRunEvents(initialRun);
  const cancel = useMutation({ mutationFn: () => api(`/api/runs/${run.id}/cancel`, { body: {} }) });
  const done = TERMINAL.has(run.status);
  const fraction = done ? 1 : progress ? progress.elapsedSec / run.durationSec : 0;

  return (
    <div className="space-y-4">
      <section className="space-y-2 rounded border border-slate-200 bg-white p-4" aria-label="Run progress">
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <RunStatusBadge status={run.status} />
          <span className="text-slate-600">
            {run.durationSec} s · requested by {run.requestedBy}
            {' · '}
            <span data-testid="run-started" suppressHydrationWarning>
              {run.startedAt ? `started ${formatDateTime(run.startedAt)}` : `queued ${formatDateTime(run.createdAt)}`}
            </span>
          </span>
          {progress && !done && (
            <span data-testid="run-progress-text" className="text-slate-700">
              {progress.phase} · {progress.elapsedSec.toFixed(0)} s elapsed, {progress.remainingSec.toFixed(0)} s left · {progress.records.toLocaleString()}{' '}
              records
            </span>
          )}
          {done && (
            <span className="text-slate-700">
              {run.recordCount.toLocaleString()} records · {(run.rawOutputBytes / 1024).toFixed(1)} KiB raw
              {run.lostEvents > 0 && <span className="ml-2 font-medium text-amber-700">{run.lostEvents.toLocaleString()} events lost</span>}
              {run.rawTruncated && (
                <span data-testid="raw-truncated" className="ml-2 font-medium text-amber-700" title="BPFDECK_MAX_RAW_OUTPUT_MB">
                  raw output truncated: only the first {(run.rawOutputBytes / 1048576).toFixed(1)} MiB were kept (the result covers all of it)
                </span>
              )}
              {run.redactedWith && (
                <span data-testid="run-redacted" className="ml-2 font-medium text-amber-700">
                  raw output and rows redacted before storage with: {run.redactedWith.map((p) => `/${p}/`).join(', ')}
                </span>
              )}
            </span>
          )}
          {!done && canCancel && (
            <button
              type="button"
              onClick={() => cancel.mutate()}
              disabled={cancel.isPending || run.cancelRequested}
              className="ml-auto rounded border border-red-300 px-3 py-1 text-sm text-red-800 hover:bg-red-50 disabled:opacity-50"
            >
              {cancel.isPending || run.cancelRequested ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          {done && (
            <span className="ml-auto">
              <ReportLink runId={run.id} done={done} anchor={run.toolId} />
            </span>
          )}
          {done && run.rawOutputBytes > 0 && (
            <a href={`/api/runs/${run.id}/raw`} className="text-indigo-700 hover:underline">
              Download raw output
            </a>
          )}
        </div>
        <ProgressBar value={fraction} label="Run progress" />
        <div className="font-mono text-xs text-slate-500">
          script sha256 {run.scriptSha256 ? `${run.scriptSha256.slice(0, 16)}…` : '(known when the file is read)'} · variant {run.variantId}
          {run.scriptPath && run.scriptSource === 'upstream' && <span data-testid="run-script-path"> · {run.scriptPath} (the host&apos;s own file)</span>}
          {run.scriptSource === 'custom' && <span data-testid="run-script-version"> · custom script {run.scriptPath}</span>}
          {run.bpftraceVersion && <span> · bpftrace {run.bpftraceVersion}</span>}
          {run.params &&
            Object.entries(run.params).map(([name, value]) => (
              <span key={name}>
                {' '}
                · {name} {value}
              </span>
            ))}
        </div>
        {run.scriptFixes.map((f) => (
          <p key={f.id} className="text-xs text-amber-800" data-testid="run-script-fix">
            bpfdeck applied upstream&apos;s fix{' '}
            <a className="underline" href={`https://github.com/bpftrace/bpftrace/commit/${f.upstreamCommit}`} target="_blank" rel="noreferrer noopener">
              {f.upstreamCommit.slice(0, 9)}
            </a>{' '}
            ({f.upstreamRelease}) to the host&apos;s file (sha256 {f.hostFileSha256.slice(0, 16)}…): {f.why}.
          </p>
        ))}
        <ErrorBox error={cancel.error} title="Cancel failed" />
        {run.status === 'failed' && <ErrorBox error={run.errorMessage ?? 'failed'} title="The run failed" />}
        {run.status === 'completed' && run.errorMessage && <p className="text-sm text-amber-800">{run.errorMessage}</p>}
        {run.status === 'cancelled' && (
          <p className="text-sm text-amber-800">Cancelled{result ? '; what bpftrace printed before it stopped is shown below.' : '.'}</p>
        )}
      </section>
      {/* a failed run has no result to show: its error above is what is true ("No events." would not be) */}
      {run.status !== 'failed' && <ResultView toolId={run.toolId} viz={run.viz} result={result} done={done} />}
    </div>
  );
}

/** viz: the run's own view kind (PublicRun.viz: the catalog tool's, or generic for upstream scripts) */
function ResultView({ toolId, viz, result, done }: { toolId: string; viz: VizKind; result: unknown; done: boolean }) {
  const flameState = useFlameUrlState(toolId);
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-4">
      {!done && result !== null && <p className="text-xs text-slate-500">Partial result: it fills in while the run goes on.</p>}
      <ToolResultView toolId={toolId} viz={viz} result={result} loading={!done && !result} error={null} flameState={flameState} />
    </section>
  );
}
