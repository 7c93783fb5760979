import type { FleetRunStatus } from '@/lib/fleet/types';

const STYLE: Record<FleetRunStatus, string> = {
  running: 'bg-indigo-100 text-indigo-800',
  completed: 'bg-emerald-100 text-emerald-800',
  partial: 'bg-amber-100 text-amber-800',
  failed: 'bg-red-100 text-red-800',
  cancelled: 'bg-slate-200 text-slate-800',
};

export function FleetStatusBadge({ status }: { status: FleetRunStatus }) {
  return (
    <span data-testid="fleet-status" className={`rounded px-2 py-0.5 text-xs font-medium ${STYLE[status]}`}>
      {status}
    </span>
  );
}
