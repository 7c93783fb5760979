'use client';
/**
 * One tool's part of a report: what ran (script, variant, status, counts), its downloads, where its raw
 * output stands under retention, and the same view the dashboard draws (ToolResultView), read-only.
 * The result is fetched on its own (it can be megabytes) and cached for good (reports never change).
 */
import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import type { VizKind } from '@/lib/tools/catalog';
import type { RunStatus } from '@/lib/runs/types';
import type { PublicReportItem } from '@/lib/reports/types';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { ToolResultView } from '@/components/viz/ToolResultView';
import { useFlameUrlState } from '@/lib/viz/flame-url.client';
import { EXPORT_LABELS, fmtBytes, fmtTime } from '@/components/reports/format';

const COMPARABLE = new Set(['flamegraph', 'latency-heatmap']);
/** exports of the stacks: made from the full stacks, with an optional "_[k]" on kernel frames */
const STACK_EXPORTS = new Set(['folded', 'pprof']);

/** Where the folded/pprof exports come from and their resolution (a profile result as the browser gets it). */
function stackExportNote(result: unknown): string | null {
  const r = result as { kind?: string; fullStacksSummary?: { stacks: number; samples: number }; samplesInTree?: number; pruned?: unknown } | null;
  if (!r || r.kind !== 'profile') return null;
  const n = (x: number) => x.toLocaleString('en-US');
  if (r.fullStacksSummary) {
    return `Folded and pprof: full resolution, every stack of the run (${n(r.fullStacksSummary.stacks)} stacks, ${n(r.fullStacksSummary.samples)} samples), from the full stacks stored with this report (kept after the raw capture expires)${r.pruned ? '; the flame graph below is pruned for drawing' : ''}.`;
  }
  return `Folded and pprof: from the stored flame graph tree${r.pruned ? ', pruned for display (stored before bpfdeck kept full stacks)' : ''}: ${n(r.samplesInTree ?? 0)} samples.`;
}

export function ReportItemView({ reportId, item }: { reportId: string; item: PublicReportItem }) {
  const result = useQuery({
    queryKey: ['report-result', reportId, item.toolId],
    queryFn: () => api<{ result: unknown }>(`/api/reports/${reportId}/result?tool=${item.toolId}`).then((d) => d.result),
    enabled: item.hasResult,
    staleTime: Infinity,
  });
  const raw = item.raw;
  const [kernelSuffix, setKernelSuffix] = useState(true);
  const note = stackExportNote(result.data);
  // a profile's search, zoom, sandwich and hide idle live in the URL (per tool: a dashboard report has several views)
  const flameState = useFlameUrlState(item.toolId);
  return (
    <section
      id={`tool-${item.toolId}`}
      data-testid={`report-item-${item.toolId}`}
      aria-label={`${item.toolTitle} (${item.toolId})`}
      className="min-w-0 space-y-3 rounded border border-slate-200 bg-white p-4"
    >
      <header className="flex flex-wrap items-baseline gap-2">
        <h2 className="text-lg font-semibold">
          {item.toolTitle} <span className="font-mono text-xs font-normal text-slate-500">{item.toolId}</span>
        </h2>
        <RunStatusBadge status={item.status as RunStatus} />
        {COMPARABLE.has(item.viz) && item.hasResult && (
          <Link href={`/compare?tool=${item.toolId}&a=${reportId}`} className="ml-auto text-sm text-indigo-700 hover:underline">
            Compare with another report…
          </Link>
        )}
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr_auto_1fr]">
        <dt className="text-slate-500">Ran</dt>
        <dd>
          {item.durationSec > 0 ? `${item.durationSec} s` : 'imported capture'}
          {item.startedAt && <> from {fmtTime(item.startedAt)}</>}
        </dd>
        <dt className="text-slate-500">Requested by</dt>
        <dd>{item.requestedBy}</dd>
        <dt className="text-slate-500">Records</dt>
        <dd>
          {item.recordCount.toLocaleString('en-US')}
          {item.lostEvents > 0 && <span className="ml-2 font-medium text-amber-700">{item.lostEvents.toLocaleString('en-US')} events lost</span>}
          {item.lostEvents === 0 && <span className="ml-2 text-slate-500">no events lost</span>}
        </dd>
        <dt className="text-slate-500">bpftrace CPU on host</dt>
        <dd>{item.hostCpuSec !== null ? `${item.hostCpuSec.toFixed(2)} s` : '—'}</dd>
        <dt className="text-slate-500">Raw output</dt>
        <dd data-testid={`raw-status-${item.toolId}`} className="sm:col-span-3">
          {!raw ? (
            'none stored'
          ) : raw.available ? (
            <>
              {fmtBytes(raw.bytes)} ({fmtBytes(raw.gzBytes)} stored)
              {raw.truncated && <span className="text-amber-700"> · truncated at the raw output cap</span>} ·{' '}
              {raw.expiresAt ? <>kept until {fmtTime(raw.expiresAt)}</> : 'kept forever'}
            </>
          ) : (
            <span className="text-amber-800">
              {fmtBytes(raw.bytes)}, expired on {fmtTime(raw.expiredAt)} (retention); the parsed result below is kept
            </span>
          )}
          {raw && (
            <span className="ml-2 font-mono text-xs text-slate-500" title="sha256 of the raw output">
              sha256 {raw.sha256.slice(0, 16)}…
            </span>
          )}
        </dd>
      </dl>
      {item.exports.length > 0 && (
        <nav aria-label={`Export ${item.toolId}`} className="flex flex-wrap gap-2 text-sm">
          <span className="text-slate-500">Export:</span>
          {item.exports.map((f) => (
            <a
              key={f}
              href={`/api/reports/${reportId}/export?tool=${item.toolId}&format=${f}${STACK_EXPORTS.has(f) && !kernelSuffix ? '&kernelSuffix=0' : ''}`}
              download
              data-testid={`export-${item.toolId}-${f}`}
              className="rounded border border-slate-300 px-2 py-0.5 text-slate-800 hover:bg-slate-50"
            >
              {EXPORT_LABELS[f] ?? f}
            </a>
          ))}
          {item.exports.some((f) => STACK_EXPORTS.has(f)) && (
            <label className="flex items-center gap-1 text-slate-600" title="Gregg's stackcollapse convention: flamegraph.pl colours kernel frames apart">
              <input
                type="checkbox"
                checked={kernelSuffix}
                onChange={(e) => setKernelSuffix(e.target.checked)}
                data-testid={`export-${item.toolId}-kernel-suffix`}
              />
              kernel frames marked <code>_[k]</code>
            </label>
          )}
          {note && (
            <p className="w-full text-xs text-slate-500" data-testid={`export-${item.toolId}-source`}>
              {note}
            </p>
          )}
        </nav>
      )}
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-600">
          Script <span className="font-mono text-xs">{item.scriptFile ?? item.variantId}</span> · sha256{' '}
          <span className="break-all font-mono text-xs" data-testid={`script-sha-${item.toolId}`}>
            {item.scriptSha256}
          </span>
        </summary>
        {item.scriptText !== null ? (
          <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100" data-testid={`script-text-${item.toolId}`}>
            {item.scriptText}
          </pre>
        ) : (
          <p className="mt-2 text-slate-600">The script file changed before this report was made; only its sha256 above is known.</p>
        )}
      </details>
      {item.status === 'completed' && item.errorMessage && (
        <p role="alert" data-testid="import-mismatch" className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
          {item.errorMessage}
        </p>
      )}
      {item.status === 'failed' && <ErrorBox error={item.errorMessage ?? 'failed'} title={`${item.toolTitle} failed`} />}
      {item.status === 'cancelled' && <p className="text-sm text-amber-800">Cancelled; what bpftrace printed before it stopped is shown.</p>}
      {item.hasResult ? (
        <ToolResultView
          flameState={flameState}
          toolId={item.toolId}
          viz={item.viz as VizKind}
          result={result.data ?? null}
          loading={result.isLoading}
          error={result.error ? String(result.error.message) : null}
        />
      ) : (
        <p className="text-sm text-slate-500">No result.</p>
      )}
    </section>
  );
}
