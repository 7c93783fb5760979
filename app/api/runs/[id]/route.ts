import { idParam, route } from '@/lib/http';
import { deleteRun, getRun } from '@/lib/runs/service';

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => ({ run: await getRun(idParam.parse(params).id) }));

/** Delete a finished run (admin); reports that took it stay as they are. */
export const DELETE = route<{ id: string }>({ role: 'admin', audit: { action: 'data.delete', target: (p) => `run:${p.id}` } }, async (_req, { params }) => {
  await deleteRun(idParam.parse(params).id);
  return { ok: true };
});
