import { z } from 'zod';
import { idParam, route } from '@/lib/http';
import { requireRawDownload } from '@/lib/reports/raw-access';
import { exportFormatSchema, kernelSuffixSchema, RAW_FORMATS } from '@/lib/export/formats';
import { toolIdSchema } from '@/lib/reports/schemas';
import { exportReportItem, exportResponse } from '@/lib/reports/export';

const query = z.object({ tool: toolIdSchema, format: exportFormatSchema, kernelSuffix: kernelSuffixSchema });

/** ?tool=<id>&format=raw|bundle|json|csv|folded|pprof|svg[&kernelSuffix=0]: a download of one tool's part of the report. */
export const GET = route<{ id: string }>(
  { role: 'viewer', audit: { action: 'report.export', target: (p) => `report:${p.id}` } },
  async (req, { params, principal, audit }) => {
    const { id } = idParam.parse(params);
    const { tool, format, kernelSuffix } = query.parse(Object.fromEntries(new URL(req.url).searchParams));
    audit({ details: { tool, format } });
    if (RAW_FORMATS.has(format)) await requireRawDownload(principal);
    return exportResponse(await exportReportItem(id, tool, format, { kernelSuffix }));
  },
);
