import { z } from 'zod';
import { idParam, parseJson, route } from '@/lib/http';
import { wholeNumber } from '@/lib/validation';
import { startDashboard } from '@/lib/runs/dashboard';

const body = z.object({ durationSec: wholeNumber(1, 3600, 'durationSec').default(30) });

/** Start every tool that can run on this host, together, for the same window. */
export const POST = route<{ id: string }>(
  { role: 'operator', audit: { action: 'dashboard.start', target: (p) => `host:${p.id}` } },
  async (req, { params, user, audit }) => {
    const { durationSec } = await parseJson(req, body);
    const started = await startDashboard(idParam.parse(params).id, durationSec, user);
    audit({ details: { durationSec, dashboardId: started.dashboardId, runIds: started.runs.map((r) => r.id), skipped: started.skipped.map((s) => s.toolId) } });
    return Response.json(started, { status: 202 });
  },
);
