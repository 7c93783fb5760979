import { idParam, route } from '@/lib/http';
import { requireRawDownload } from '@/lib/reports/raw-access';
import { exportResponse, exportRun } from '@/lib/reports/export';

/**
 * The capture exactly as bpftrace printed it (stdout), as NDJSON: the same download as
 * /export?format=raw, streamed from the stored gzip (never decompressed whole in memory).
 */
export const GET = route<{ id: string }>(
  { role: 'viewer', audit: { action: 'run.export', target: (p) => `run:${p.id}` } },
  async (_req, { params, principal, audit }) => {
    const { id } = idParam.parse(params);
    audit({ details: { format: 'raw' } });
    // the run is looked up first (an unknown id is 404 for everyone, as on the other run routes)
    const file = await exportRun(id, 'raw');
    await requireRawDownload(principal);
    return exportResponse(file);
  },
);
