/**
 * Check a script's text on a host without running it: pushed as a file and compiled by bpftrace
 * (lib/ssh/remote-bpftrace checkBpftraceRemote: --emit-elf, never loaded, nothing attaches), and
 * bpftrace's messages placed at their lines (lib/scripts/diagnostics). The text never reaches a shell.
 */
import 'server-only';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { AppError } from '@/lib/errors';
import { getHostRow, withConnection } from '@/lib/hosts/service';
import { checkBpftraceRemote } from '@/lib/ssh/remote-bpftrace';
import { parseBpftraceDiagnostics, scriptStderr } from '@/lib/scripts/diagnostics';
import { getScript, recordCheck, sha256Hex } from '@/lib/scripts/service';
import type { ScriptCheck } from '@/lib/scripts/types';

/** compiling a script takes well under a second here; headers (#include) can take a few */
const CHECK_TIMEOUT_SEC = 60;
const STDERR_MAX_CHARS = 16 * 1024;

/** Compile `text` on the host; the result is stored with the script's versions that have this text. */
export async function checkScriptOnHost(scriptId: string, hostId: string, text: string, checkedBy: string): Promise<ScriptCheck> {
  await getScript(scriptId); // 404 before anything connects
  const host = await getHostRow(hostId);
  if (!host.hostKeyBlob) throw new AppError('host_key_unknown', `the host key of ${host.name} is not pinned yet: check and accept its fingerprint first`);
  const caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
  const r = await withConnection(host, (client) => checkBpftraceRemote(client, text, CHECK_TIMEOUT_SEC));
  const stderr = scriptStderr(r.stderr);
  if (/^sudo:/m.test(stderr)) throw new AppError('remote_failed', `sudo refused to run bpftrace on ${host.name}:\n${stderr.slice(0, 500)}`);
  const check: ScriptCheck = {
    ok: r.exitCode === 0,
    sha256: sha256Hex(text),
    hostId: host.id,
    hostName: host.name,
    bpftraceVersion: caps?.bpftraceVersion ?? null,
    exitCode: r.exitCode,
    diagnostics: parseBpftraceDiagnostics(r.stderr),
    stderr: stderr.slice(0, STDERR_MAX_CHARS),
    checkedAt: new Date().toISOString(),
    checkedBy,
  };
  await recordCheck(scriptId, check);
  return check;
}
