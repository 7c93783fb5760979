import { idParam, route } from '@/lib/http';
import { getRunResultJson } from '@/lib/runs/service';

/**
 * The run's stored result, sent as the stored JSON text: no parse and stringify per request (a 19 MB
 * result parsed for each of 20 viewers took the server's RSS from 0.7 to 1.2 GB and stalled it).
 */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => {
  const json = await getRunResultJson(idParam.parse(params).id);
  return new Response(`{"result":${json ?? 'null'}}`, { headers: { 'content-type': 'application/json; charset=utf-8' } });
});
