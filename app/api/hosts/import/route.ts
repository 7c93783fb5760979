import { parseJson, route } from '@/lib/http';
import { importCreateSchema } from '@/lib/hosts/schemas';
import { createImported } from '@/lib/hosts/import';

/** Create the hosts a preview showed, with their identities mapped; no host key is pinned here. */
export const POST = route({ role: 'admin', audit: { action: 'host.import' } }, async (req, { audit }) => {
  const input = await parseJson(req, importCreateSchema);
  const hosts = await createImported(input);
  audit({ details: { format: input.format, created: hosts.map((h) => h.name) } });
  return { hosts };
});
