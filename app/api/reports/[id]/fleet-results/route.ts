import { idParam, route } from '@/lib/http';
import { fleetResultsQuery } from '@/lib/fleet/schemas';
import { fleetReportResultsJson } from '@/lib/fleet/report';

/** One tool's part of a fleet report (FleetToolResults), from the snapshot, sent as stored text. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (req, { params }) => {
  const { id } = idParam.parse(params);
  const { toolId } = fleetResultsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return new Response(await fleetReportResultsJson(id, toolId), {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store' },
  });
});
