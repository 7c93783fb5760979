import { route, parseJson } from '@/lib/http';
import { createHostSchema } from '@/lib/hosts/schemas';
import { createHost, listHosts } from '@/lib/hosts/service';

export const GET = route({ role: 'viewer' }, async () => ({ hosts: await listHosts() }));
export const POST = route({ role: 'admin' }, async (req) => ({ host: await createHost(await parseJson(req, createHostSchema)) }));
