import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { listFleetRuns } from '@/lib/fleet/service';
import { ID_PATTERN } from '@/lib/ids';
import { toolLabel } from '@/lib/viz/labels';
import { fmtTime } from '@/components/reports/format';
import { EscapedText } from '@/components/viz/EscapedText';
import { FleetStatusBadge } from '@/components/fleet/FleetStatusBadge';

export const dynamic = 'force-dynamic';

/**
 * Fleet history: every fleet run, newest first (paged by ?before=), with its report; pick two (A and B)
 * to compare their merged profiles.
 */
export default async function FleetRunsPage({ searchParams }: { searchParams: Promise<{ before?: string | string[] }> }) {
  await requirePage('viewer');
  const raw = (await searchParams).before;
  const before = typeof raw === 'string' && ID_PATTERN.test(raw) ? raw : undefined;
  const page = await listFleetRuns({ limit: 50, before });
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-xl font-semibold">Fleet runs</h1>
        <Link href="/hosts" className="text-sm text-indigo-700 hover:underline">
          Run on the fleet (Hosts)
        </Link>
      </div>
      {page.fleetRuns.length === 0 ? (
        <p className="text-slate-600">No fleet run yet: pick hosts on the Hosts page and run a tool on all of them.</p>
      ) : (
        // a plain GET form: the comparison is a link to share
        <form method="get" action="/fleet-runs/compare" className="space-y-2">
          <table className="w-full overflow-hidden rounded border border-slate-200 bg-white text-sm" data-testid="fleet-history">
            <thead className="bg-slate-100 text-left text-slate-600">
              <tr>
                <th className="px-2 py-2" title="compare: A">
                  A
                </th>
                <th className="px-2 py-2" title="compare: B">
                  B
                </th>
                <th className="px-3 py-2">Started</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Hosts</th>
                <th className="px-3 py-2">Selector</th>
                <th className="px-3 py-2">Tools</th>
                <th className="px-3 py-2">Duration</th>
                <th className="px-3 py-2">Results</th>
                <th className="px-3 py-2">Report</th>
              </tr>
            </thead>
            <tbody>
              {page.fleetRuns.map((f) => (
                <tr key={f.id} className="border-t border-slate-100" data-fleet-run={f.id}>
                  <td className="px-2 py-2">
                    <input type="radio" name="a" value={f.id} aria-label={`compare: A = fleet run of ${fmtTime(f.createdAt)}`} />
                  </td>
                  <td className="px-2 py-2">
                    <input type="radio" name="b" value={f.id} aria-label={`compare: B = fleet run of ${fmtTime(f.createdAt)}`} />
                  </td>
                  <td className="px-3 py-2">
                    <Link href={`/fleet-runs/${f.id}`} className="text-indigo-700 hover:underline">
                      {fmtTime(f.createdAt)}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <FleetStatusBadge status={f.status} />
                  </td>
                  <td className="px-3 py-2 tabular-nums">{f.hostCount}</td>
                  <td className="px-3 py-2 font-mono text-xs">{f.selector ? <EscapedText text={f.selector} /> : '—'}</td>
                  <td className="px-3 py-2 text-xs">{f.toolIds === 'dashboard' ? 'dashboard' : f.toolIds.map(toolLabel).join(', ')}</td>
                  <td className="px-3 py-2 tabular-nums">{f.durationSec} s</td>
                  <td className="px-3 py-2 text-xs">
                    {f.counts.completed} completed{f.counts.failed ? `, ${f.counts.failed} failed` : ''}
                    {f.counts.cancelled ? `, ${f.counts.cancelled} cancelled` : ''}
                    {f.counts.skipped ? `, ${f.counts.skipped} skipped` : ''}
                  </td>
                  <td className="px-3 py-2">
                    {f.reportId ? (
                      <Link href={`/reports/${f.reportId}`} className="text-indigo-700 hover:underline">
                        report
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="flex items-center gap-3 text-sm">
            <button type="submit" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
              Compare A and B (profile)
            </button>
            {page.nextBefore && (
              <Link href={`/fleet-runs?before=${page.nextBefore}`} className="ml-auto text-indigo-700 hover:underline">
                Older →
              </Link>
            )}
          </div>
        </form>
      )}
    </div>
  );
}
