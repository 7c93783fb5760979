import { parseJson, route } from '@/lib/http';
import { fleetListQuery, startFleetRunSchema } from '@/lib/fleet/schemas';
import { listFleetRuns, startFleetRun } from '@/lib/fleet/service';

/** Fleet history, newest first: ?limit=&before=<nextBefore of the previous page> */
export const GET = route({ role: 'viewer' }, async (req) => listFleetRuns(fleetListQuery.parse(Object.fromEntries(new URL(req.url).searchParams))));

/** Start one run per selected host and tool (lib/fleet/types StartFleetRunInput). */
export const POST = route({ role: 'operator', audit: { action: 'fleet.start' } }, async (req, { user, audit }) => {
  const input = await parseJson(req, startFleetRunSchema);
  audit({ details: { selector: input.selector, hostIds: input.hostIds?.length, toolIds: input.toolIds, durationSec: input.durationSec } });
  const fleetRun = await startFleetRun(input, user);
  audit({ target: `fleet-run:${fleetRun.id}`, details: { hosts: fleetRun.hosts.length } });
  return Response.json({ fleetRun }, { status: 201 });
});
