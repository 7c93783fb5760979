import { idParam, route } from '@/lib/http';
import { fleetEventsQuery } from '@/lib/fleet/schemas';
import { fleetEventsResponse } from '@/lib/fleet/events';

export const dynamic = 'force-dynamic';

/** Live fleet run events (lib/fleet/types FleetSseEvents); ?partials=0 leaves partial results out. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (req, { params }) => {
  const { id } = idParam.parse(params);
  const { partials } = fleetEventsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return fleetEventsResponse(req, id, { partials: partials !== '0' });
});
