/**
 * Custom-script runs (lib/scripts): the text of an approved version, stored with the run when it was
 * queued. Pushed only while that version is still approved and its text (and the run's copy) still has
 * the sha256 the run recorded: a row is input too. Generic result: the views follow the output's shape.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import type { Run } from '@/lib/db/client';
import { db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { createGenericParser } from '@/lib/tools/generic/parse';
import type { ResolvedRunScript, RunScriptContext } from '@/lib/runs/script';

const sha256 = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

export async function resolveCustomScript(run: Run, { caps }: RunScriptContext): Promise<ResolvedRunScript> {
  const v = await db().customScriptVersion.findUnique({ where: { id: run.variantId }, include: { script: { select: { name: true } } } });
  if (!v) throw new AppError('tool_unavailable', 'the custom script version of this run no longer exists');
  if (!v.approvedAt) throw new AppError('tool_unavailable', `version ${v.number} of ${v.script.name} is not approved: not run`);
  const sha = sha256(v.text);
  if (sha !== v.sha256 || sha !== run.scriptSha256 || (run.scriptText !== null && sha256(run.scriptText) !== sha)) {
    throw new AppError('tool_unavailable', `version ${v.number} of ${v.script.name} does not have the sha256 this run recorded: not run`);
  }
  return {
    scriptText: v.text,
    sha256: sha,
    resultKind: 'generic',
    createParser: createGenericParser,
    record: { variantId: v.id, scriptSha256: sha, scriptText: v.text, bpftraceVersion: caps.bpftraceVersion },
  };
}
