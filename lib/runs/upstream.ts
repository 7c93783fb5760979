/**
 * Upstream runs: one of the host package's own .bt tools (/usr/sbin/<name>.bt, as the host check
 * listed it) run as a Run like any catalog tool (same queue, live progress, stored result with the
 * generic views, report, history, raw export).
 *
 *  - At start (planUpstreamRun): the name is looked up in the host check's listing, never used as a
 *    path or in a command; the duration is checked against the limits below; a tool that cannot run
 *    on this kernel (kprobes) is refused in plain words.
 *  - When it runs (resolveUpstreamScript): the host's file is read over SFTP (at most 256 KiB), its
 *    probes checked against the host check again (the listing may be older than the file), pinned
 *    upstream fixes applied where they match (lib/bpftrace/upstream-fixes.ts), and that exact text is
 *    pushed and run like a catalog script; its sha256, the host file's path and sha256, the fix (if
 *    any) and the bpftrace version are recorded with the run, and the text itself too.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import type { Host, Run } from '@/lib/db/client';
import { AppError, invalid } from '@/lib/errors';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { scriptBlocker, upstreamBlocker, type UpstreamTool } from '@/lib/bpftrace/upstream-tools';
import { applyUpstreamFixes, type AppliedFix } from '@/lib/bpftrace/upstream-fixes';
import { sftpReadFile } from '@/lib/ssh/exec';
import { createGenericParser } from '@/lib/tools/generic/parse';
import { UPSTREAM_TOOL_ID_SUFFIX } from '@/lib/runs/sources/kinds';
import type { ResolvedRunScript, RunScriptContext } from '@/lib/runs/script';

/** the same bounds as the catalog's tools (5 s at least, 300 s at most) */
export const UPSTREAM_MIN_DURATION_SEC = 5;
export const UPSTREAM_MAX_DURATION_SEC = 300;
export const UPSTREAM_DEFAULT_DURATION_SEC = 10;
const MAX_SCRIPT_BYTES = 256 * 1024;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export function upstreamToolId(name: string): string {
  return `${name}${UPSTREAM_TOOL_ID_SUFFIX}`;
}

/** The tool of the host's listing by that name, or a plain refusal (unknown name, not listed, cannot run here). */
export function findRunnableUpstreamTool(hostName: string, caps: HostCapabilities | null, name: string): UpstreamTool {
  if (!caps) throw new AppError('tool_unavailable', `${hostName} has not been checked yet: run the host check first`);
  if (!caps.upstreamTools) throw new AppError('tool_unavailable', `${hostName}'s last check did not list its upstream tools: run the host check again`);
  const tool = caps.upstreamTools.find((t) => t.name === name);
  if (!tool) throw invalid(`${hostName}'s bpftrace package has no tool ${JSON.stringify(name).slice(0, 70)}`);
  const blocked = upstreamBlocker(tool, caps.probes.kprobe?.ok);
  if (blocked) throw new AppError('tool_unavailable', blocked);
  return tool;
}

/** The Run row fields of an upstream run, checked (see the top of the file); queued by lib/runs/service startUpstreamRun. */
export function planUpstreamRun(host: Host, name: string, durationSec: number) {
  if (!Number.isInteger(durationSec) || durationSec < UPSTREAM_MIN_DURATION_SEC || durationSec > UPSTREAM_MAX_DURATION_SEC) {
    throw invalid(`upstream tools run for ${UPSTREAM_MIN_DURATION_SEC} to ${UPSTREAM_MAX_DURATION_SEC} s (asked for ${durationSec} s)`);
  }
  if (!host.hostKeyBlob) {
    throw new AppError('host_key_unknown', `the host key of ${host.name} is not pinned yet: check and accept its fingerprint first`);
  }
  const caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
  const tool = findRunnableUpstreamTool(host.name, caps, name);
  return {
    hostId: host.id,
    toolId: upstreamToolId(tool.name),
    variantId: 'host-file',
    // known once the file is read, when the run starts
    scriptSha256: '',
    durationSec,
    scriptSource: 'upstream',
    scriptPath: tool.path,
    bpftraceVersion: caps?.bpftraceVersion ?? null,
  };
}

export async function resolveUpstreamScript(run: Run, { client, caps, hostName }: RunScriptContext): Promise<ResolvedRunScript> {
  const name = run.toolId.endsWith(UPSTREAM_TOOL_ID_SUFFIX) ? run.toolId.slice(0, -UPSTREAM_TOOL_ID_SUFFIX.length) : '';
  // the listing of the check just made (or within the hour) must still hold it, at the same path
  const tool = findRunnableUpstreamTool(hostName, caps, name);
  if (tool.path !== run.scriptPath)
    throw new AppError('tool_unavailable', `${name}.bt is now at ${tool.path} on ${hostName}, not ${run.scriptPath}: start it again`);
  const bytes = await sftpReadFile(client, tool.path, MAX_SCRIPT_BYTES);
  const hostText = bytes.toString('utf8');
  // what is hashed, stored and pushed must be the same bytes as the file
  if (!Buffer.from(hostText, 'utf8').equals(bytes)) throw new AppError('tool_unavailable', `${tool.path} on ${hostName} is not UTF-8 text: not run`);
  const blocked = scriptBlocker(name, hostText, caps.probes);
  if (blocked) throw new AppError('tool_unavailable', blocked);
  const hostFileSha256 = sha256(bytes);
  const fixed = applyUpstreamFixes(name, hostText, { btf: caps.btf });
  const applied: AppliedFix[] = fixed.applied.map((f) => ({ ...f, hostFileSha256 }));
  const text = fixed.text;
  const sha = applied.length ? sha256(text) : hostFileSha256;
  const variantId = applied.length ? `host-file+${applied.map((f) => f.id).join('+')}` : 'host-file';
  return {
    scriptText: text,
    sha256: sha,
    resultKind: 'generic',
    createParser: createGenericParser,
    record: {
      variantId,
      scriptSha256: sha,
      scriptText: text,
      scriptPatchJson: applied.length ? JSON.stringify(applied) : null,
      bpftraceVersion: caps.bpftraceVersion,
    },
  };
}
