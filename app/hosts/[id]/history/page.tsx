import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/errors';
import { ID_PATTERN } from '@/lib/ids';
import { getHost } from '@/lib/hosts/service';
import { listRuns } from '@/lib/runs/service';
import { TERMINAL } from '@/lib/runs/types';
import { listTools } from '@/lib/tools/catalog';
import { listReportsQuery } from '@/lib/reports/schemas';
import { listReports } from '@/lib/reports/list';
import { reportIdsForRuns } from '@/lib/reports/read';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { DeleteButton } from '@/components/reports/DeleteButton';
import { HistoryFilter } from '@/components/reports/HistoryFilter';
import { ReportTable } from '@/components/reports/ReportTable';
import { fmtBytes, fmtTime } from '@/components/reports/format';
import { requirePage } from '@/lib/auth/page-guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { EscapedText } from '@/components/viz/EscapedText';

export const dynamic = 'force-dynamic';

/** The tab names the host (only for a signed-in user: requirePage redirects anyone else first). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  await requirePage('viewer');
  const { id } = await params;
  const host = ID_PATTERN.test(id) ? await getHost(id).catch(() => null) : null;
  return { title: host ? `History of ${host.name} · bpfdeck` : 'Host not found · bpfdeck' };
}

type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function HostHistoryPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SP> }) {
  const me = await requirePage('viewer');
  const isAdmin = roleAtLeast(me.role, 'admin');
  const { id } = await params;
  if (!ID_PATTERN.test(id)) notFound();
  const host = await getHost(id).catch((e) => {
    if (e instanceof AppError && e.code === 'not_found') notFound();
    throw e;
  });
  const sp = await searchParams;
  const values = { tool: one(sp.tool), from: one(sp.from), to: one(sp.to) };
  const q = listReportsQuery.safeParse({ hostId: id, toolId: values.tool, from: values.from, to: values.to, limit: 200 });
  const [reports, runs] = q.success
    ? await Promise.all([listReports(q.data), listRuns({ hostId: id, toolId: q.data.toolId, from: q.data.from, to: q.data.to, limit: 200 })])
    : [[], []];
  const reportOf = await reportIdsForRuns(runs.map((r) => r.id));
  return (
    <div className="space-y-5">
      <div>
        <Link href={`/hosts/${host.id}`} className="text-sm text-slate-500 hover:underline">
          ← <EscapedText text={host.name} />
        </Link>
        <h1 className="text-xl font-semibold">
          History of <EscapedText text={host.name} />
        </h1>
        <p className="text-sm text-slate-600">Past runs and the reports made of them, newest first (at most 200 of each).</p>
      </div>
      <HistoryFilter action={`/hosts/${host.id}/history`} tools={listTools().map((t) => ({ id: t.id, title: t.title }))} values={values} />
      {!q.success && <ErrorBox error={q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} title="Bad filter" />}
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Reports</h2>
        <ReportTable reports={reports} showHost={false} canDelete={isAdmin} />
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Runs</h2>
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">No runs.</p>
        ) : (
          <div className="relative overflow-x-auto rounded border border-slate-200">
            <table className="w-full bg-white text-sm" data-testid="run-table">
              <thead className="bg-slate-100 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">Status</th>
                  <th className="px-3 py-2">Tool</th>
                  <th className="px-3 py-2">Started</th>
                  <th className="px-3 py-2">Duration</th>
                  <th className="px-3 py-2">Output</th>
                  <th className="px-3 py-2">Report</th>
                  <th className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id} className="border-t border-slate-100 align-top" data-testid={`run-row-${r.id}`}>
                    <td className="px-3 py-2">
                      <RunStatusBadge status={r.status} />
                    </td>
                    <td className="px-3 py-2">
                      <Link href={`/runs/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                        {r.toolId}
                      </Link>
                      {r.dashboardId && <span className="ml-2 text-xs text-slate-500">dashboard</span>}
                      {r.errorMessage && <div className="max-w-md truncate text-xs text-red-700">{r.errorMessage.split('\n')[0]}</div>}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-slate-600">{fmtTime(r.startedAt ?? r.createdAt)}</td>
                    <td className="px-3 py-2 text-slate-600">{r.durationSec} s</td>
                    <td className="px-3 py-2 text-slate-600">
                      {r.recordCount.toLocaleString('en-US')} records · {fmtBytes(r.rawOutputBytes)}
                    </td>
                    <td className="px-3 py-2">
                      {reportOf[r.id] ? (
                        <Link href={`/reports/${reportOf[r.id]}`} className="text-indigo-700 hover:underline">
                          report
                        </Link>
                      ) : (
                        <span className="text-slate-600">—</span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-right">
                      {isAdmin && TERMINAL.has(r.status) && (
                        <DeleteButton
                          url={`/api/runs/${r.id}`}
                          what={`this ${r.toolId} run`}
                          consequence={reportOf[r.id] ? 'Its report stays.' : 'It has no report: its output goes too.'}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
