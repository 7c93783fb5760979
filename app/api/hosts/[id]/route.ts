import { idParam, parseJson, route } from '@/lib/http';
import { updateHostSchema } from '@/lib/hosts/schemas';
import { deleteHost, getHost, updateHost } from '@/lib/hosts/service';

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => ({ host: await getHost(idParam.parse(params).id) }));
export const PATCH = route<{ id: string }>({ role: 'admin' }, async (req, { params }) => ({
  host: await updateHost(idParam.parse(params).id, await parseJson(req, updateHostSchema)),
}));
export const DELETE = route<{ id: string }>({ role: 'admin' }, async (_req, { params }) => {
  await deleteHost(idParam.parse(params).id);
  return { ok: true };
});
