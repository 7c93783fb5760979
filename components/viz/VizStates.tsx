/**
 * The states every visualization shares: loading (a skeleton the size of the chart, so the page does
 * not jump when data arrives), empty, error, and the notices of a partial result. Server-safe (no
 * hooks), so a page can render them directly.
 */
import type { ReactNode } from 'react';
import type { ResultNotice } from '@/lib/viz/notices';

export function VizSkeleton({ label, heightPx = 240 }: { label: string; heightPx?: number }) {
  return (
    <div
      role="status"
      aria-live="polite"
      aria-label={`${label}: loading`}
      data-testid="viz-loading"
      className="flex animate-pulse items-center justify-center rounded border border-slate-200 bg-slate-100 text-sm text-slate-500"
      style={{ height: heightPx }}
    >
      Loading {label}…
    </div>
  );
}

export function VizEmpty({ label, children }: { label: string; children?: ReactNode }) {
  return (
    <div
      role="status"
      aria-label={`${label}: no data`}
      data-testid="viz-empty"
      className="rounded border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600"
    >
      {children ?? 'No data.'}
    </div>
  );
}

export function VizError({ label, error }: { label: string; error: unknown }) {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return (
    <div role="alert" aria-label={`${label}: error`} data-testid="viz-error" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      <div className="font-medium">{label} could not be shown</div>
      <pre className="mt-1 whitespace-pre-wrap font-mono text-xs">{message}</pre>
    </div>
  );
}

/** Partial-result notices (lost events, row cap, pruning), above the chart they qualify. */
export function ResultNotices({ notices }: { notices: readonly ResultNotice[] }) {
  if (notices.length === 0) return null;
  return (
    <ul data-testid="viz-notices" aria-label="Data notices" className="space-y-1 text-sm">
      {notices.map((n) => (
        <li
          key={n.id}
          data-notice={n.id}
          className={
            n.level === 'warn'
              ? 'rounded border border-amber-300 bg-amber-50 px-2 py-1 text-amber-900'
              : 'rounded border border-slate-200 bg-slate-50 px-2 py-1 text-slate-700'
          }
        >
          {n.level === 'warn' ? (
            <span aria-hidden="true" className="mr-1">
              ⚠
            </span>
          ) : null}
          {n.text}
        </li>
      ))}
    </ul>
  );
}
