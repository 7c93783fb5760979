import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { listTools } from '@/lib/tools/catalog';
import { getSetting } from '@/lib/settings';
import { listReportsQuery } from '@/lib/reports/schemas';
import { listReports } from '@/lib/reports/list';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { HistoryFilter } from '@/components/reports/HistoryFilter';
import { ReportTable } from '@/components/reports/ReportTable';
import { RetentionForm } from '@/components/reports/RetentionForm';

export const metadata = { title: 'Reports · bpfdeck' };

export const dynamic = 'force-dynamic';

type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function ReportsPage({ searchParams }: { searchParams: Promise<SP> }) {
  const me = await requirePage('viewer');
  const isAdmin = roleAtLeast(me.role, 'admin');
  const sp = await searchParams;
  const values = { tool: one(sp.tool), from: one(sp.from), to: one(sp.to) };
  const q = listReportsQuery.safeParse({ toolId: values.tool, from: values.from, to: values.to, limit: 200 });
  const [reports, days] = await Promise.all([q.success ? listReports(q.data) : Promise.resolve([]), getSetting('retention.rawOutputDays')]);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Reports</h1>
        <span className="text-sm text-slate-600">Immutable snapshots of finished runs, one permalink each.</span>
        <span className="ml-auto flex gap-2">
          {roleAtLeast(me.role, 'operator') && (
            <Link href="/reports/import" className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50">
              Import a capture
            </Link>
          )}
          <Link href="/compare" className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50">
            Compare two reports
          </Link>
        </span>
      </div>
      <HistoryFilter action="/reports" tools={listTools().map((t) => ({ id: t.id, title: t.title }))} values={values} />
      {!q.success && <ErrorBox error={q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} title="Bad filter" />}
      <ReportTable reports={reports} canDelete={isAdmin} />
      <section className="rounded border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-semibold">Retention</h2>
        {isAdmin ? (
          <RetentionForm initialDays={days} />
        ) : (
          <p className="text-sm text-slate-600">
            Raw output is kept {days > 0 ? `${days} days after capture` : 'forever'}; parsed results are always kept. An admin can change this.
          </p>
        )}
      </section>
    </div>
  );
}
