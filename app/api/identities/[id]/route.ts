import { idParam, parseJson, route } from '@/lib/http';
import { rotateIdentitySchema } from '@/lib/hosts/schemas';
import { deleteIdentity, getIdentity, rotateIdentity } from '@/lib/hosts/identities';

const target = (p: { id: string }) => `identity:${p.id}`;

export const GET = route<{ id: string }>({ role: 'admin' }, async (_req, { params }) => ({ identity: await getIdentity(idParam.parse(params).id) }));
/** Rotate: a new key (or agent socket) for every host of this identity. */
export const PATCH = route<{ id: string }>({ role: 'admin', audit: { action: 'identity.rotate', target } }, async (req, { params, audit }) => {
  const { id } = idParam.parse(params);
  const input = await parseJson(req, rotateIdentitySchema);
  const before = await getIdentity(id);
  audit({ details: { kind: input.kind, previous: before.fingerprint } });
  const identity = await rotateIdentity(id, input);
  audit({ details: { kind: input.kind, previous: before.fingerprint, fingerprint: identity.fingerprint, hosts: identity.hostCount } });
  return { identity };
});
export const DELETE = route<{ id: string }>({ role: 'admin', audit: { action: 'identity.delete', target } }, async (_req, { params, audit }) => {
  const { id } = idParam.parse(params);
  audit({ details: { name: (await getIdentity(id)).name } });
  await deleteIdentity(id);
  return { ok: true };
});
