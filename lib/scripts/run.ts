/**
 * Runs of custom scripts are ordinary Runs (lib/runs): toolId "custom", variantId = the version's id,
 * scriptSha256 = its sha256. The same queue, per-user limits, host-side timeout, stop escalation and
 * raw-output cap as the catalog tools; the result is the generic one (lib/tools/generic), its views
 * chosen by the output's shape. Only approved versions start, and the executor checks again that the
 * version is approved and its text has the recorded sha256 before it pushes it (as a file).
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { withRunQuota } from '@/lib/auth/run-limits';
import { getHostRow } from '@/lib/hosts/service';
import { runBus } from '@/lib/runs/bus';
import { toPublicRun } from '@/lib/runs/public';
import { recoverInterruptedRuns, runner } from '@/lib/runs/service';
import type { PublicRun } from '@/lib/runs/types';
import { runnableVersion, sha256Hex } from '@/lib/scripts/service';
import type { StartScriptRunInput } from '@/lib/scripts/schemas';

/** Run.toolId of every custom script run */
export const CUSTOM_TOOL_ID = 'custom';

export async function startScriptRun(scriptId: string, input: StartScriptRunInput, requestedBy: string): Promise<PublicRun> {
  await recoverInterruptedRuns();
  const version = await runnableVersion(scriptId, input.versionId);
  const host = await getHostRow(input.hostId);
  if (!host.hostKeyBlob) throw new AppError('host_key_unknown', `the host key of ${host.name} is not pinned yet: check and accept its fingerprint first`);
  const run = await withRunQuota(requestedBy, () =>
    db().run.create({
      data: {
        id: newId(),
        hostId: host.id,
        toolId: CUSTOM_TOOL_ID,
        variantId: version.id,
        scriptSha256: version.sha256,
        durationSec: input.durationSec,
        status: 'queued',
        requestedBy,
      },
      include: { host: { select: { name: true } } },
    }),
  );
  const pub = toPublicRun(run);
  runBus.publish(run, { type: 'run', run: pub });
  runner().enqueue(run.id, host.id, CUSTOM_TOOL_ID);
  return pub;
}

/**
 * The text a custom-script run pushes: its version's, only while that version is approved and its
 * text still has the sha256 the run recorded (a row is input too).
 */
export async function customRunScript(run: {
  variantId: string;
  scriptSha256: string;
}): Promise<{ text: string; sha256: string; name: string; number: number }> {
  const v = await db().customScriptVersion.findUnique({ where: { id: run.variantId }, include: { script: { select: { name: true } } } });
  if (!v) throw new AppError('tool_unavailable', 'the custom script version of this run no longer exists');
  if (!v.approvedAt) throw new AppError('tool_unavailable', `version ${v.number} of ${v.script.name} is not approved`);
  const sha256 = sha256Hex(v.text);
  if (sha256 !== run.scriptSha256 || sha256 !== v.sha256)
    throw new AppError('tool_unavailable', `version ${v.number} of ${v.script.name} does not have the sha256 this run recorded`);
  return { text: v.text, sha256, name: v.script.name, number: v.number };
}

/** Script name and version number of custom-script runs, by version id (for run pages and lists). */
export async function customRunLabels(versionIds: string[]): Promise<Record<string, { scriptId: string; name: string; number: number }>> {
  if (versionIds.length === 0) return {};
  const rows = await db().customScriptVersion.findMany({
    where: { id: { in: [...new Set(versionIds)] } },
    select: { id: true, number: true, scriptId: true, script: { select: { name: true } } },
  });
  return Object.fromEntries(rows.map((r) => [r.id, { scriptId: r.scriptId, name: r.script.name, number: r.number }]));
}
