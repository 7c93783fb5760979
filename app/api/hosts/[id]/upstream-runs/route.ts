import { z } from 'zod';
import { idParam, parseJson, route } from '@/lib/http';
import { wholeNumber } from '@/lib/validation';
import { startUpstreamRun } from '@/lib/runs/service';

const body = z.object({
  /** a name from the host check's listing ("runqlat"); looked up there, never used as a path */
  tool: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, 'tool: not an upstream tool name'),
  /** whole seconds; the upstream limits are checked by lib/runs/upstream.ts */
  durationSec: wholeNumber(1, 3600, 'durationSec'),
});

/** Run one of the host package's own upstream tools (/usr/sbin/<tool>.bt) as a run. */
export const POST = route<{ id: string }>(
  { role: 'operator', audit: { action: 'run.start', target: (p) => `host:${p.id}` } },
  async (req, { params, user, audit }) => {
    const hostId = idParam.parse(params).id;
    const input = await parseJson(req, body);
    audit({ details: { upstreamTool: input.tool, durationSec: input.durationSec } });
    const run = await startUpstreamRun(hostId, input.tool, input.durationSec, user);
    audit({ target: `run:${run.id}`, details: { hostId } });
    return Response.json({ run }, { status: 202 });
  },
);
