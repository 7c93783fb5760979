import { idParam, route } from '@/lib/http';
import { exportResponse } from '@/lib/reports/export';
import { fleetExportQuery } from '@/lib/fleet/schemas';
import { exportFleetRun, exportFleetRunPprof } from '@/lib/fleet/export';

/** ?toolId=&format=csv|folded|json|pprof[&kernelSuffix=0]: one tool over every host, with the host in the file. */
export const GET = route<{ id: string }>(
  { role: 'viewer', audit: { action: 'run.export', target: (p) => `fleet-run:${p.id}` } },
  async (req, { params, audit }) => {
    const { id } = idParam.parse(params);
    const { toolId, format, kernelSuffix } = fleetExportQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    audit({ details: { toolId, format } });
    if (format === 'pprof') return exportResponse(await exportFleetRunPprof(id, toolId, { kernelSuffix }));
    return exportResponse(await exportFleetRun(id, toolId, format, { kernelSuffix }));
  },
);
