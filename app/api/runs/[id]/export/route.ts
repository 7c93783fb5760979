import { z } from 'zod';
import { idParam, route } from '@/lib/http';
import { requireRawDownload } from '@/lib/reports/raw-access';
import { exportFormatSchema, kernelSuffixSchema, RAW_FORMATS } from '@/lib/export/formats';
import { exportResponse, exportRun } from '@/lib/reports/export';

const query = z.object({ format: exportFormatSchema, kernelSuffix: kernelSuffixSchema });

/** ?format=raw|bundle|json|csv|folded|pprof|svg[&kernelSuffix=0]: a download of a run's output (also before or without a report). */
export const GET = route<{ id: string }>(
  { role: 'viewer', audit: { action: 'run.export', target: (p) => `run:${p.id}` } },
  async (req, { params, principal, audit }) => {
    const { id } = idParam.parse(params);
    const { format, kernelSuffix } = query.parse(Object.fromEntries(new URL(req.url).searchParams));
    audit({ details: { format } });
    if (RAW_FORMATS.has(format)) await requireRawDownload(principal);
    return exportResponse(await exportRun(id, format, { kernelSuffix }));
  },
);
