import { route, parseJson } from '@/lib/http';
import { createHostSchema } from '@/lib/hosts/schemas';
import { createHost, listHosts } from '@/lib/hosts/service';

export const GET = route({ role: 'viewer' }, async () => ({ hosts: await listHosts() }));
export const POST = route({ role: 'admin', audit: { action: 'host.create' } }, async (req, { audit }) => {
  const input = await parseJson(req, createHostSchema);
  // Never the private key: only where the host is.
  audit({ details: { name: input.name, address: input.address, port: input.port, username: input.username } });
  const host = await createHost(input);
  audit({ target: `host:${host.id}` });
  return { host };
});
