import Link from 'next/link';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { ID_PATTERN } from '@/lib/ids';
import { listTools, type VizKind } from '@/lib/tools/catalog';
import { listReports } from '@/lib/reports/list';
import { COMPARABLE_VIZ, loadComparison, type Comparison } from '@/lib/reports/comparison';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { CompareChooser } from '@/components/reports/CompareChooser';
import { DiffFlameGraphWithUrl } from '@/components/reports/DiffFlameGraphWithUrl';
import { FunctionChangesTable } from '@/components/reports/FunctionChangesTable';
import { LatencyCompare } from '@/components/reports/LatencyCompare';
import { fmtTime } from '@/components/reports/format';
import { requirePage } from '@/lib/auth/page-guard';
import { EscapedText } from '@/components/viz/EscapedText';
import { getReport } from '@/lib/reports/read';
import { escapeControl } from '@/lib/viz/format';

export const dynamic = 'force-dynamic';

type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const idOrNothing = z.string().regex(ID_PATTERN).optional().catch(undefined);

/** The tab names the two reports compared (signed-in users only: requirePage redirects anyone else first). */
export async function generateMetadata({ searchParams }: { searchParams: Promise<SP> }) {
  await requirePage('viewer');
  const sp = await searchParams;
  const a = idOrNothing.parse(one(sp.a));
  const b = idOrNothing.parse(one(sp.b));
  if (!a || !b) return { title: 'Compare reports · bpfdeck' };
  const [ra, rb] = await Promise.all([getReport(a).catch(() => null), getReport(b).catch(() => null)]);
  const name = (r: typeof ra) => (r ? `${escapeControl(r.title)} (${fmtTime(r.startedAt ?? r.createdAt)})` : 'a missing report');
  return { title: `Compare ${name(ra)} with ${name(rb)} · bpfdeck` };
}

export default async function ComparePage({ searchParams }: { searchParams: Promise<SP> }) {
  await requirePage('viewer');
  const sp = await searchParams;
  const tools = listTools().filter((t) => COMPARABLE_VIZ[t.viz]);
  const tool = tools.find((t) => t.id === one(sp.tool)) ?? tools.find((t) => t.id === 'profile') ?? tools[0];
  const a = idOrNothing.parse(one(sp.a));
  const b = idOrNothing.parse(one(sp.b));
  const reports = tool ? await listReports({ toolId: tool.id, limit: 200 }) : [];
  // the time first: reports of one tool on one host have the same title, and a long title pushed the
  // time out of the narrow select
  const options = reports.map((r) => ({ id: r.id, label: `${fmtTime(r.startedAt ?? r.createdAt)} · ${r.title} · ${r.id.slice(0, 6)}` }));

  let comparison: Comparison | null = null;
  let error: string | null = null;
  if (tool && a && b) {
    try {
      comparison = await loadComparison(a, b, tool.id);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      error = e.message;
    }
  }
  const side = (s: Comparison['a'], which: 'A' | 'B') => (
    <div className="min-w-0 rounded border border-slate-200 bg-white p-3 text-sm" data-testid={`side-${which}`}>
      <div className="text-xs font-semibold text-slate-500">{which === 'A' ? 'A · before' : 'B · after'}</div>
      <Link href={`/reports/${s.reportId}`} className="font-medium text-indigo-700 hover:underline">
        {s.title}
      </Link>
      <div className="text-slate-600">
        <EscapedText text={s.hostName} /> · {fmtTime(s.startedAt ?? s.createdAt)}
        {s.durationSec > 0 && ` · ${s.durationSec} s`}
      </div>
    </div>
  );
  return (
    <div className="space-y-4">
      <div>
        <Link href="/reports" className="text-sm text-slate-500 hover:underline">
          ← Reports
        </Link>
        <h1 className="text-xl font-semibold">Compare two reports</h1>
        <p className="text-sm text-slate-600">
          Profiles as a differential flame graph (shares of all samples, so runs of different length compare); latency as two heat maps and their percentiles.
        </p>
      </div>
      {tool ? (
        <CompareChooser tools={tools.map((t) => ({ id: t.id, title: t.title }))} tool={tool.id} options={options} a={a} b={b} />
      ) : (
        <p className="text-sm text-slate-600">No tool in the catalog can be compared yet.</p>
      )}
      {options.length < 2 && (
        <p className="text-sm text-slate-600">
          Comparing needs two reports with {tool?.title ?? 'this tool'}; there {options.length === 1 ? 'is one' : 'are none'} so far.
        </p>
      )}
      <ErrorBox error={error} title="Cannot compare" />
      {comparison && (
        <>
          <div className="grid gap-3 md:grid-cols-[1fr_auto_1fr] md:items-center">
            {side(comparison.a, 'A')}
            <Link
              href={`/compare?tool=${comparison.toolId}&a=${comparison.b.reportId}&b=${comparison.a.reportId}`}
              className="text-center text-sm text-indigo-700 hover:underline"
            >
              ⇄ swap
            </Link>
            {side(comparison.b, 'B')}
          </div>
          {comparison.kind === 'profile' ? (
            <section className="space-y-3 rounded border border-slate-200 bg-white p-4" aria-labelledby="diff-h">
              <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
                <h2 id="diff-h" className="text-lg font-semibold">
                  Differential flame graph
                </h2>
                <p className="text-sm text-slate-700">
                  A: {comparison.profile.samplesA.toLocaleString('en-US')} samples · B: {comparison.profile.samplesB.toLocaleString('en-US')} samples
                  {comparison.profile.treeDropped > 0 && <span className="text-slate-500"> · frames under 0.1% in both left out</span>}
                </p>
              </div>
              <DiffFlameGraphWithUrl
                root={comparison.profile.tree}
                maxAbsDelta={comparison.profile.maxAbsDelta}
                labelA={`${comparison.a.hostName}, ${fmtTime(comparison.a.startedAt ?? comparison.a.createdAt)}`}
                labelB={`${comparison.b.hostName}, ${fmtTime(comparison.b.startedAt ?? comparison.b.createdAt)}`}
              />
              <div className="grid gap-6 lg:grid-cols-2">
                <FunctionChangesTable title="Grew most (share of samples)" rows={comparison.profile.grown} change="grown" />
                <FunctionChangesTable title="Shrank most" rows={comparison.profile.shrunk} change="shrunk" />
              </div>
            </section>
          ) : (
            <section className="space-y-4" aria-labelledby="latency-h">
              <h2 id="latency-h" className="text-lg font-semibold">
                Latency, A and B
              </h2>
              <LatencyCompare
                toolId={comparison.toolId}
                viz={comparison.a.viz as VizKind}
                comparison={comparison.latency}
                resultA={comparison.resultA}
                resultB={comparison.resultB}
                labelA={`${comparison.a.hostName}, ${fmtTime(comparison.a.startedAt ?? comparison.a.createdAt)}`}
                labelB={`${comparison.b.hostName}, ${fmtTime(comparison.b.startedAt ?? comparison.b.createdAt)}`}
              />
            </section>
          )}
        </>
      )}
    </div>
  );
}
