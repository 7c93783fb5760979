import { z } from 'zod';
import { idParam, parseJson, route } from '@/lib/http';
import { startDashboard } from '@/lib/runs/dashboard';

const body = z.object({ durationSec: z.coerce.number().int('durationSec: whole seconds').min(1).max(3600).default(30) });

/** Start every tool that can run on this host, together, for the same window. */
export const POST = route<{ id: string }>({ role: 'operator' }, async (req, { params, user }) => {
  const { durationSec } = await parseJson(req, body);
  return Response.json(await startDashboard(idParam.parse(params).id, durationSec, user), { status: 202 });
});
