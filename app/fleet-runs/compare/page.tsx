import Link from 'next/link';
import { requirePage } from '@/lib/auth/page-guard';
import { AppError } from '@/lib/errors';
import { ID_PATTERN } from '@/lib/ids';
import type { FleetToolResults, PublicFleetRun } from '@/lib/fleet/types';
import { fleetResultsJson, getFleetRun } from '@/lib/fleet/service';
import { fmtTime } from '@/components/reports/format';
import { FleetDiffFlameGraph } from '@/components/fleet/FleetDiffFlameGraph';

export const dynamic = 'force-dynamic';

/** Two fleet runs compared (?a=&b=): the differential merged flame graph of their profiles. */
export default async function FleetComparePage({ searchParams }: { searchParams: Promise<{ a?: string | string[]; b?: string | string[] }> }) {
  await requirePage('viewer');
  const sp = await searchParams;
  const a = typeof sp.a === 'string' && ID_PATTERN.test(sp.a) ? sp.a : null;
  const b = typeof sp.b === 'string' && ID_PATTERN.test(sp.b) ? sp.b : null;
  const back = (
    <Link href="/fleet-runs" className="text-sm text-slate-500 hover:underline">
      ← Fleet runs
    </Link>
  );
  if (!a || !b || a === b) {
    return (
      <div className="space-y-3">
        {back}
        <h1 className="text-xl font-semibold">Compare two fleet runs</h1>
        <p role="alert" className="text-sm text-red-800">
          Pick two different fleet runs as A and B in the fleet history.
        </p>
      </div>
    );
  }
  let runs: [PublicFleetRun, PublicFleetRun];
  let results: [FleetToolResults, FleetToolResults];
  try {
    runs = [await getFleetRun(a), await getFleetRun(b)];
    results = [JSON.parse(await fleetResultsJson(a, 'profile')), JSON.parse(await fleetResultsJson(b, 'profile'))];
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return (
      <div className="space-y-3">
        {back}
        <p role="alert" className="text-sm text-red-800">
          {e.message}
        </p>
      </div>
    );
  }
  const label = (f: PublicFleetRun) => `${f.hosts.length} hosts, ${fmtTime(f.createdAt)}`;
  return (
    <div className="space-y-4">
      {back}
      <h1 className="text-xl font-semibold">Fleet runs compared: merged CPU profiles</h1>
      <p className="text-sm text-slate-700">
        A:{' '}
        <Link href={`/fleet-runs/${a}`} className="text-indigo-700 hover:underline">
          {label(runs[0])}
        </Link>{' '}
        · B:{' '}
        <Link href={`/fleet-runs/${b}`} className="text-indigo-700 hover:underline">
          {label(runs[1])}
        </Link>
      </p>
      <FleetDiffFlameGraph a={results[0].hosts} b={results[1].hosts} labelA={label(runs[0])} labelB={label(runs[1])} />
    </div>
  );
}
