import { idParam, parseJson, route } from '@/lib/http';
import { updateHostSchema } from '@/lib/hosts/schemas';
import { deleteHost, getHost, updateHost } from '@/lib/hosts/service';

const hostTarget = (p: { id: string }) => `host:${p.id}`;

export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => ({ host: await getHost(idParam.parse(params).id) }));
export const PATCH = route<{ id: string }>({ role: 'admin', audit: { action: 'host.update', target: hostTarget } }, async (req, { params, audit }) => {
  const input = await parseJson(req, updateHostSchema);
  const { privateKey, passphrase, ...where } = input;
  audit({ details: { ...where, privateKeyReplaced: privateKey !== undefined, passphrase: passphrase !== undefined } });
  return { host: await updateHost(idParam.parse(params).id, input) };
});
export const DELETE = route<{ id: string }>({ role: 'admin', audit: { action: 'host.delete', target: hostTarget } }, async (_req, { params, audit }) => {
  const { id } = idParam.parse(params);
  audit({ details: { name: (await getHost(id)).name } });
  await deleteHost(id);
  return { ok: true };
});
