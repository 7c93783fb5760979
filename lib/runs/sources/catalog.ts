/** Catalog runs: bpfdeck's own scripts (bpftrace-tools/), the first variant the host supports. */
import 'server-only';
import type { Run } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { kindOfViz, type ResultKind } from '@/lib/results/registry';
import { chooseVariant, getTool, loadScript, resolveParams } from '@/lib/tools/catalog';
import type { ResolvedRunScript, RunScriptContext } from '@/lib/runs/script';

export function resolveCatalogScript(run: Run, { caps }: RunScriptContext): ResolvedRunScript {
  const tool = getTool(run.toolId);
  if (!tool) throw new AppError('validation', `unknown tool ${run.toolId}`);
  const choice = chooseVariant(tool, caps);
  if (!choice.ok) throw new AppError('tool_unavailable', choice.reason);
  // the parameters startRun validated and stored (re-checked: a row is input too)
  const script = loadScript(choice.variant, tool, resolveParams(tool, run.paramsJson ? JSON.parse(run.paramsJson) : {}));
  return {
    scriptText: script.text,
    sha256: script.sha256,
    resultKind: (kindOfViz(tool.viz)?.kind ?? 'generic') as ResultKind,
    createParser: tool.createParser,
    env: tool.env,
    record: { variantId: choice.variant.id, scriptSha256: script.sha256, bpftraceVersion: caps.bpftraceVersion },
  };
}
