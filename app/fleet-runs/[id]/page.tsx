import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '@/lib/auth/page-guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { ID_PATTERN } from '@/lib/ids';
import { getFleetRun } from '@/lib/fleet/service';
import { fleetReportIdOf } from '@/lib/fleet/export';
import { fmtTime } from '@/components/reports/format';
import { FleetRunLive } from '@/components/fleet/FleetRunLive';

export const dynamic = 'force-dynamic';

/** A fleet run: the live grid of its hosts, Cancel all, then the fleet views of each tool. */
export default async function FleetRunPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePage('viewer');
  const { id } = await params;
  if (!ID_PATTERN.test(id)) notFound();
  const fleet = await getFleetRun(id).catch((e) => {
    if (e instanceof AppError && e.code === 'not_found') notFound();
    throw e;
  });
  const reportId = await fleetReportIdOf(id);
  return (
    <div className="space-y-4">
      <div>
        <Link href="/fleet-runs" className="text-sm text-slate-500 hover:underline">
          ← Fleet runs
        </Link>
        <h1 className="text-xl font-semibold" data-testid="fleet-title">
          Fleet run of {fleet.hosts.length} hosts
        </h1>
        <p className="text-sm text-slate-600">started {fmtTime(fleet.createdAt)}</p>
      </div>
      <FleetRunLive initial={fleet} canOperate={roleAtLeast(me.role, 'operator')} reportId={reportId} />
    </div>
  );
}
