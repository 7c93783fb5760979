import { idParam, route } from '@/lib/http';
import { cancelFleetRun } from '@/lib/fleet/service';

/** Cancel every host's run (executing ones stop with SIGINT and keep what bpftrace printed). */
export const POST = route<{ id: string }>(
  { role: 'operator', audit: { action: 'fleet.cancel', target: (p) => `fleet-run:${p.id}` } },
  async (_req, { params }) => ({
    fleetRun: await cancelFleetRun(idParam.parse(params).id),
  }),
);
