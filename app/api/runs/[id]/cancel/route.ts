import { idParam, route } from '@/lib/http';
import { cancelRun } from '@/lib/runs/service';

export const POST = route<{ id: string }>({ role: 'operator', audit: { action: 'run.cancel', target: (p) => `run:${p.id}` } }, async (_req, { params }) => ({
  run: await cancelRun(idParam.parse(params).id),
}));
