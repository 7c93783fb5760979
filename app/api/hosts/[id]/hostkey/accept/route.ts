import { z } from 'zod';
import { idParam, parseJson, route } from '@/lib/http';
import { acceptHostKeySchema } from '@/lib/hosts/schemas';
import { acceptHostKey } from '@/lib/hosts/service';

const body = acceptHostKeySchema.extend({ replace: z.boolean().optional() });

export const POST = route<{ id: string }>({ role: 'admin' }, async (req, { params }) => {
  const { fingerprint, replace } = await parseJson(req, body);
  return { host: await acceptHostKey(idParam.parse(params).id, fingerprint, { replace }) };
});
