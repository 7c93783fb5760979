import { idParam, route } from '@/lib/http';
import { fleetExportQuery } from '@/lib/fleet/schemas';
import { exportFleetReport } from '@/lib/fleet/export';
import { exportResponse } from '@/lib/reports/export';

/** One tool's results of a fleet report as a file with the host in it (lib/fleet/views/exports.ts). */
export const GET = route<{ id: string }>(
  { role: 'viewer', audit: { action: 'report.export', target: (p) => `report:${p.id}` } },
  async (req, { params, audit }) => {
    const { id } = idParam.parse(params);
    const q = fleetExportQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    audit({ details: { toolId: q.toolId, format: q.format } });
    return exportResponse(await exportFleetReport(id, q.toolId, q.format, { kernelSuffix: q.kernelSuffix }));
  },
);
