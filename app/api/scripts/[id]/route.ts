import { idParam, route } from '@/lib/http';
import { getScript } from '@/lib/scripts/service';

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => ({ script: await getScript(idParam.parse(params).id) }));
