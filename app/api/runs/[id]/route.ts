import { idParam, route } from '@/lib/http';
import { getRun } from '@/lib/runs/service';

export const GET = route<{ id: string }>(async (_req, { params }) => ({ run: await getRun(idParam.parse(params).id) }));
