import { idParam, route } from '@/lib/http';
import { fleetResultsQuery } from '@/lib/fleet/schemas';
import { fleetResultsJson } from '@/lib/fleet/service';

/** One tool's result on every host (FleetToolResults), sent as stored text: no parse per request. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (req, { params }) => {
  const { id } = idParam.parse(params);
  const { toolId } = fleetResultsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return new Response(await fleetResultsJson(id, toolId), {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store' },
  });
});
