import { z } from 'zod';
import { idParam, parseJson, route } from '@/lib/http';
import { acceptHostKeySchema } from '@/lib/hosts/schemas';
import { acceptHostKey, getHost } from '@/lib/hosts/service';

const body = acceptHostKeySchema.extend({ replace: z.boolean().optional() });

export const POST = route<{ id: string }>(
  { role: 'admin', audit: { action: 'hostkey.accept', target: (p) => `host:${p.id}` } },
  async (req, { params, audit }) => {
    const { id } = idParam.parse(params);
    const { fingerprint, replace } = await parseJson(req, body);
    const previous = (await getHost(id)).hostKey?.fingerprint ?? null;
    audit({ details: { fingerprint, previous, replace: !!replace } });
    return { host: await acceptHostKey(id, fingerprint, { replace }) };
  },
);
