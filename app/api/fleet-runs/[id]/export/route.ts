import { z } from 'zod';
import { idParam, route } from '@/lib/http';
import { kernelSuffixSchema } from '@/lib/export/formats';
import { exportResponse } from '@/lib/reports/export';
import { exportFleetRun, fleetExportFormatSchema } from '@/lib/fleet/export';

const query = z.object({
  toolId: z.string().regex(/^[a-z0-9-]{1,32}$/, 'toolId: not a tool id'),
  format: fleetExportFormatSchema,
  kernelSuffix: kernelSuffixSchema,
});

/** ?toolId=&format=csv|folded|json[&kernelSuffix=0]: one tool over every host, with a host column. */
export const GET = route<{ id: string }>(
  { role: 'viewer', audit: { action: 'run.export', target: (p) => `fleet-run:${p.id}` } },
  async (req, { params, audit }) => {
    const { id } = idParam.parse(params);
    const { toolId, format, kernelSuffix } = query.parse(Object.fromEntries(new URL(req.url).searchParams));
    audit({ details: { toolId, format } });
    return exportResponse(await exportFleetRun(id, toolId, format, { kernelSuffix }));
  },
);
