import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/errors';
import { ID_PATTERN } from '@/lib/ids';
import { getReport } from '@/lib/reports/read';
import { CopyLink } from '@/components/reports/CopyLink';
import { DeleteButton } from '@/components/reports/DeleteButton';
import { ReportItemView } from '@/components/reports/ReportItemView';
import { fmtTime } from '@/components/reports/format';
import { EscapedText } from '@/components/viz/EscapedText';
import { FleetReportView } from '@/components/fleet/FleetReportView';
import { escapeControl } from '@/lib/viz/format';

export const dynamic = 'force-dynamic';

const KIND_LABEL = {
  run: 'Run report',
  dashboard: 'Dashboard report',
  import: 'Imported capture',
  fleet: 'Fleet report',
  'fleet-host': 'One host of a fleet report',
} as const;

/** The tab names the report, its host and time (signed-in users only: requirePage redirects anyone else first). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  await requirePage('viewer');
  const { id } = await params;
  const report = ID_PATTERN.test(id) ? await getReport(id).catch(() => null) : null;
  if (!report) return { title: 'Report not found · bpfdeck' };
  const title = escapeControl(report.title);
  const host = escapeControl(report.hostName);
  return { title: `${title}${title.includes(host) ? '' : ` · ${host}`} · ${fmtTime(report.startedAt ?? report.createdAt)} · bpfdeck` };
}

export default async function ReportPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePage('viewer');
  const { id } = await params;
  if (!ID_PATTERN.test(id)) notFound();
  const report = await getReport(id).catch((e) => {
    if (e instanceof AppError && e.code === 'not_found') notFound();
    throw e;
  });
  const host =
    report.hostUser && report.hostAddress
      ? `${report.hostUser}@${report.hostAddress}${report.hostPort && report.hostPort !== 22 ? `:${report.hostPort}` : ''}`
      : null;
  return (
    <div className="space-y-4">
      <div>
        <div className="flex gap-3 text-sm text-slate-500">
          <Link href="/reports" className="hover:underline">
            ← Reports
          </Link>
          {report.hostId && (
            <>
              <Link href={`/hosts/${report.hostId}`} className="hover:underline">
                <EscapedText text={report.hostName} />
              </Link>
              <Link href={`/hosts/${report.hostId}/history`} className="hover:underline">
                history
              </Link>
            </>
          )}
        </div>
        <h1 className="text-xl font-semibold" data-testid="report-title">
          <EscapedText text={report.title} />
        </h1>
        <p className="text-sm text-slate-600">
          {KIND_LABEL[report.kind]} · an immutable snapshot made {fmtTime(report.createdAt)}
        </p>
      </div>
      <section className="space-y-3 rounded border border-slate-200 bg-white p-4" aria-label="Report">
        <CopyLink path={`/reports/${report.id}`} />
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr_auto_1fr]" data-testid="report-meta">
          <dt className="text-slate-500">Host</dt>
          <dd>
            <span className="font-medium">
              <EscapedText text={report.hostName} />
            </span>
            {host && <span className="ml-2 font-mono text-xs text-slate-600">{host}</span>}
            {report.kind !== 'import' && report.kind !== 'fleet' && !report.hostId && <span className="ml-2 text-xs text-slate-500">(host deleted since)</span>}
          </dd>
          <dt className="text-slate-500">Kernel</dt>
          <dd className="font-mono text-xs">{report.kernelRelease ?? '—'}</dd>
          <dt className="text-slate-500">bpftrace</dt>
          <dd data-testid="report-bpftrace">{report.bpftraceVersion ?? '—'}</dd>
          <dt className="text-slate-500">Requested by</dt>
          <dd>{report.requestedBy}</dd>
          <dt className="text-slate-500">Started</dt>
          <dd>{fmtTime(report.startedAt)}</dd>
          <dt className="text-slate-500">Duration</dt>
          <dd>
            {report.durationSec > 0 ? `${report.durationSec} s` : '—'}
            {report.startedAt && report.endedAt && <span className="ml-1 text-slate-500">(ended {fmtTime(report.endedAt)})</span>}
          </dd>
          <dt className="text-slate-500">Lost events</dt>
          <dd className={report.lostEvents > 0 ? 'font-medium text-amber-700' : ''}>{report.lostEvents.toLocaleString('en-US')}</dd>
          <dt className="text-slate-500">Raw output</dt>
          <dd>{report.retentionDays > 0 ? `kept ${report.retentionDays} days after capture` : 'kept forever'}</dd>
        </dl>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          {report.runId && (
            <Link href={`/runs/${report.runId}`} className="text-indigo-700 hover:underline">
              the run
            </Link>
          )}
          {report.items.length > 1 && (
            <nav aria-label="Tools in this report" className="flex flex-wrap gap-2">
              {report.items.map((it) => (
                <a key={it.toolId} href={`#tool-${it.toolId}`} className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-700 hover:bg-slate-200">
                  {it.toolId}
                </a>
              ))}
            </nav>
          )}
          {roleAtLeast(me.role, 'admin') && (
            <span className="ml-auto">
              <DeleteButton
                url={`/api/reports/${report.id}`}
                what="this report"
                consequence="Its link stops working."
                redirectTo={report.hostId ? `/hosts/${report.hostId}/history` : '/reports'}
              />
            </span>
          )}
        </div>
      </section>
      {report.kind === 'fleet' && report.fleet && <FleetReportView reportId={report.id} fleet={report.fleet} />}
      <div className={report.items.length > 1 ? 'grid gap-4 xl:grid-cols-2' : 'space-y-4'}>
        {report.items.map((it) => (
          <ReportItemView key={it.toolId} reportId={report.id} item={it} />
        ))}
      </div>
    </div>
  );
}
