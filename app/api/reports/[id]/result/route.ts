import { idParam, route } from '@/lib/http';
import { notFound } from '@/lib/errors';
import { itemQuery } from '@/lib/reports/schemas';
import { getReportResultJson } from '@/lib/reports/read';

/** One tool's stored result (?tool=<id>), sent as stored. Behind sign-in: never cached (private, no-store). */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (req, { params }) => {
  const { id } = idParam.parse(params);
  const { tool } = itemQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const json = await getReportResultJson(id, tool);
  if (json === null) throw notFound(`result of ${tool} in this report`);
  return new Response(`{"result":${json}}`, {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store' },
  });
});
