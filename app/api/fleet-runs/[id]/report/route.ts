import { idParam, route } from '@/lib/http';
import { createFleetReport } from '@/lib/fleet/report';

/** The fleet report permalink (made when the last host's run ends; this makes it now, or returns it). */
export const POST = route<{ id: string }>(
  { role: 'operator', audit: { action: 'report.create', target: (p) => `fleet-run:${p.id}` } },
  async (_req, { params, audit }) => {
    const made = await createFleetReport(idParam.parse(params).id, { force: true });
    // force: null is never returned (it throws what is missing instead)
    const { id, created } = made!;
    audit({ target: `report:${id}` });
    return Response.json({ report: { id } }, { status: created ? 201 : 200 });
  },
);
