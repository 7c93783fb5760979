import { z } from 'zod';
import { parseJson, route } from '@/lib/http';
import { startRunSchema } from '@/lib/runs/schemas';
import { listRuns, startRun } from '@/lib/runs/service';
import { RUN_TOOL_ID_RE } from '@/lib/runs/tool-id';

const listQuery = z.object({
  hostId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{22}$/)
    .optional(),
  toolId: z.string().regex(RUN_TOOL_ID_RE).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const GET = route({ role: 'viewer' }, async (req) => {
  const q = listQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return { runs: await listRuns(q) };
});

export const POST = route({ role: 'operator', audit: { action: 'run.start' } }, async (req, { user, audit }) => {
  const input = await parseJson(req, startRunSchema);
  audit({ target: `host:${input.hostId}`, details: { toolId: input.toolId, durationSec: input.durationSec, params: input.params } });
  const run = await startRun(input, user);
  audit({ target: `run:${run.id}`, details: { hostId: input.hostId } });
  return Response.json({ run }, { status: 202 });
});
