import { route, parseJson } from '@/lib/http';
import { createHostSchema } from '@/lib/hosts/schemas';
import { createHost, listHosts } from '@/lib/hosts/service';

/** ?selector=role=web,az=b (lib/hosts/selector.ts) */
export const GET = route({ role: 'viewer' }, async (req) => {
  const selector = new URL(req.url).searchParams.get('selector');
  return { hosts: await listHosts(selector === null ? {} : { selector }) };
});
export const POST = route({ role: 'admin', audit: { action: 'host.create' } }, async (req, { audit }) => {
  const input = await parseJson(req, createHostSchema);
  // Never the private key: only where the host is.
  audit({
    details: {
      name: input.name,
      address: input.address,
      port: input.port,
      username: input.username,
      identityId: input.identityId,
      jumpHostIds: input.jumpHostIds,
      tags: input.tags,
    },
  });
  const host = await createHost(input);
  audit({ target: `host:${host.id}` });
  return { host };
});
