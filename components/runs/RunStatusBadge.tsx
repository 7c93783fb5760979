import type { RunStatus } from '@/lib/runs/types';

const STYLE: Record<RunStatus, string> = {
  queued: 'bg-slate-100 text-slate-700',
  connecting: 'bg-sky-100 text-sky-800',
  running: 'bg-indigo-100 text-indigo-800',
  completed: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
  cancelled: 'bg-amber-100 text-amber-800',
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <span data-testid="run-status" className={`rounded px-2 py-0.5 text-xs font-medium ${STYLE[status]}`}>
      {status}
    </span>
  );
}
