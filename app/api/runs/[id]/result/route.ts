import { idParam, route } from '@/lib/http';
import { getRunResult } from '@/lib/runs/service';

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => ({ result: await getRunResult(idParam.parse(params).id) }));
