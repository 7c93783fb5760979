import { idParam, route } from '@/lib/http';
import { getReport } from '@/lib/reports/read';
import { deleteReport } from '@/lib/reports/delete';

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => ({ report: await getReport(idParam.parse(params).id) }));

export const DELETE = route<{ id: string }>(
  { role: 'admin', audit: { action: 'report.delete', target: (p) => `report:${p.id}` } },
  async (_req, { params }) => {
    await deleteReport(idParam.parse(params).id);
    return { ok: true };
  },
);
