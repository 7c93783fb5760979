'use client';
/**
 * Link from a run (run page, dashboard card) to the report it ended up in, once it has ended. For the
 * runs of a dashboard run the report is made when the last of them ends: until then it says so.
 */
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api.client';
import type { RunReportLink } from '@/lib/reports/types';

export function ReportLink({ runId, done, anchor }: { runId: string; done: boolean; anchor?: string }) {
  const q = useQuery({
    queryKey: ['run-report', runId],
    queryFn: () => api<RunReportLink>(`/api/runs/${runId}/report`),
    enabled: done,
    refetchInterval: (query) => (query.state.data?.pending ? 3_000 : false),
  });
  if (!done || !q.data) return null;
  if (q.data.report) {
    const hash = q.data.report.kind === 'dashboard' && anchor ? `#tool-${anchor}` : '';
    return (
      <Link href={`/reports/${q.data.report.id}${hash}`} data-testid="report-link" className="font-medium text-indigo-700 hover:underline">
        {q.data.report.kind === 'dashboard' ? 'Dashboard report' : 'Report'} (permalink)
      </Link>
    );
  }
  if (q.data.pending) return <span className="text-slate-500">report when the whole dashboard run ends</span>;
  return null;
}
