import { idParam, parseJson, route } from '@/lib/http';
import { startScriptRunSchema } from '@/lib/scripts/schemas';
import { startScriptRun } from '@/lib/scripts/run';

/** Run an approved version of the script on a host (operators; the version is recorded with the run). */
export const POST = route<{ id: string }>({ role: 'operator', audit: { action: 'run.start' } }, async (req, { params, user, audit }) => {
  const { id } = idParam.parse(params);
  const input = await parseJson(req, startScriptRunSchema);
  audit({ target: `host:${input.hostId}`, details: { scriptId: id, versionId: input.versionId, durationSec: input.durationSec } });
  const run = await startScriptRun(id, input, user);
  audit({ target: `run:${run.id}`, details: { hostId: input.hostId, toolId: run.toolId, versionId: run.variantId, sha256: run.scriptSha256 } });
  return Response.json({ run }, { status: 202 });
});
