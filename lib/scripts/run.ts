/**
 * Runs of custom scripts are ordinary Runs (lib/runs): scriptSource "custom", toolId "custom",
 * variantId = the version's id, scriptSha256 = its sha256, scriptText = its text, scriptPath = "<name>
 * v<n>" (the run's title). The same queue, per-user limits, host-side timeout, stop escalation and
 * raw-output cap as the catalog tools; the result is the generic one (lib/tools/generic), its views
 * chosen by the output's shape. Only approved versions start, and the executor checks again that the
 * version is approved and has the recorded sha256 before it pushes the text, as a file
 * (lib/runs/sources/custom.ts).
 */
import 'server-only';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { AppError } from '@/lib/errors';
import { getHostRow } from '@/lib/hosts/service';
import { queueRun, recoverInterruptedRuns } from '@/lib/runs/service';
import type { PublicRun } from '@/lib/runs/types';
import { runnableVersion } from '@/lib/scripts/service';
import type { StartScriptRunInput } from '@/lib/scripts/schemas';

/** Run.toolId of every custom script run (the runner runs one custom script per host at a time) */
export const CUSTOM_TOOL_ID = 'custom';

export async function startScriptRun(scriptId: string, input: StartScriptRunInput, requestedBy: string): Promise<PublicRun> {
  await recoverInterruptedRuns();
  const version = await runnableVersion(scriptId, input.versionId);
  const host = await getHostRow(input.hostId);
  if (!host.hostKeyBlob) throw new AppError('host_key_unknown', `the host key of ${host.name} is not pinned yet: check and accept its fingerprint first`);
  const caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
  return queueRun(
    {
      hostId: host.id,
      toolId: CUSTOM_TOOL_ID,
      variantId: version.id,
      scriptSha256: version.sha256,
      durationSec: input.durationSec,
      scriptSource: 'custom',
      scriptPath: `${version.script.name} v${version.number}`,
      scriptText: version.text,
      bpftraceVersion: caps?.bpftraceVersion ?? null,
    },
    requestedBy,
  );
}
