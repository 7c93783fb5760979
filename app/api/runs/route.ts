import { z } from 'zod';
import { parseJson, route } from '@/lib/http';
import { startRunSchema } from '@/lib/runs/schemas';
import { listRuns, startRun } from '@/lib/runs/service';

const listQuery = z.object({
  hostId: z.string().regex(/^[A-Za-z0-9_-]{22}$/).optional(),
  toolId: z.string().regex(/^[a-z0-9-]{1,32}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const GET = route({ role: 'viewer' }, async (req) => {
  const q = listQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return { runs: await listRuns(q) };
});

export const POST = route({ role: 'operator' }, async (req, { user }) => {
  const run = await startRun(await parseJson(req, startRunSchema), user);
  return Response.json({ run }, { status: 202 });
});
