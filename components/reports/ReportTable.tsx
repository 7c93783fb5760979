/** A list of reports (newest first) with permalinks and, for admins, deletion. Server-safe. */
import Link from 'next/link';
import type { ReportSummary } from '@/lib/reports/types';
import { DeleteButton } from '@/components/reports/DeleteButton';
import { fmtTime } from '@/components/reports/format';
import { EscapedText } from '@/components/viz/EscapedText';

const KIND = { run: 'run', dashboard: 'dashboard', import: 'imported', fleet: 'fleet', 'fleet-host': 'fleet host' } as const;

export function ReportTable({ reports, showHost = true, canDelete = false }: { reports: ReportSummary[]; showHost?: boolean; canDelete?: boolean }) {
  if (reports.length === 0) return <p className="text-sm text-slate-600">No reports.</p>;
  return (
    // the table scrolls in its own box on a narrow screen: the page stays as wide as the viewport
    <div className="relative overflow-x-auto rounded border border-slate-200">
      <table className="w-full bg-white text-sm" data-testid="report-table">
        <thead className="bg-slate-100 text-left text-slate-600">
          <tr>
            <th className="px-3 py-2">Report</th>
            {showHost && <th className="px-3 py-2">Host</th>}
            <th className="px-3 py-2">Tools</th>
            <th className="px-3 py-2">Started</th>
            <th className="px-3 py-2">By</th>
            <th className="px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 align-top" data-testid={`report-row-${r.id}`}>
              <td className="px-3 py-2">
                <Link href={`/reports/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                  <EscapedText text={r.title} />
                </Link>
                <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{KIND[r.kind]}</span>
              </td>
              {showHost && (
                <td className="px-3 py-2">
                  {r.hostId ? (
                    <Link href={`/hosts/${r.hostId}/history`} className="hover:underline">
                      <EscapedText text={r.hostName} />
                    </Link>
                  ) : (
                    r.hostName
                  )}
                </td>
              )}
              <td className="px-3 py-2 font-mono text-xs">
                {/* a list that wraps: ten tool ids side by side made the page 1,656 px wide */}
                <span className="flex min-w-[8rem] flex-wrap gap-x-1.5">
                  {r.tools.map((t) => (
                    <span key={t.toolId} className={`${t.status === 'completed' ? 'text-slate-700' : 'text-amber-700'}`} title={t.status}>
                      {t.toolId}
                    </span>
                  ))}
                </span>
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-600">{fmtTime(r.startedAt ?? r.createdAt)}</td>
              <td className="px-3 py-2 text-slate-600">{r.requestedBy}</td>
              <td className="px-3 py-2 text-right">
                {canDelete && <DeleteButton url={`/api/reports/${r.id}`} what={`the report “${r.title}”`} consequence="Its link stops working." />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
