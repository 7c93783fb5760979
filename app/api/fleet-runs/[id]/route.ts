import { idParam, route } from '@/lib/http';
import { getFleetRun } from '@/lib/fleet/service';

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => ({ fleetRun: await getFleetRun(idParam.parse(params).id) }));
