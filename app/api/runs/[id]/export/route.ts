import { z } from 'zod';
import { idParam, route } from '@/lib/http';
import { requireRawDownload } from '@/lib/reports/raw-access';
import { exportFormatSchema } from '@/lib/export/formats';
import { exportResponse, exportRun } from '@/lib/reports/export';

const query = z.object({ format: exportFormatSchema });

/** ?format=raw|json|csv|folded|svg: a download of a run's output (also before or without a report). */
export const GET = route<{ id: string }>({ role: 'viewer', audit: { action: 'run.export', target: (p) => `run:${p.id}` } }, async (req, { params, principal, audit }) => {
  const { id } = idParam.parse(params);
  const { format } = query.parse(Object.fromEntries(new URL(req.url).searchParams));
  audit({ details: { format } });
  if (format === 'raw') await requireRawDownload(principal);
  return exportResponse(await exportRun(id, format));
});
