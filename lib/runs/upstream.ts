/**
 * Running one of the host package's own upstream tools (/usr/sbin/<name>.bt, as the host check listed
 * it) for N seconds with the generic views. The host's file is read over SFTP, hashed, and that exact
 * text is pushed and run like a catalog script (lib/ssh/remote-bpftrace: a file, never shell text), so
 * the sha256 returned is the sha256 of what ran. The tool is named by the host's own listing only.
 *
 * Not yet a stored run (no Run row, no live progress, no page): the library call that the host page's
 * "Upstream tools" run button and its route are to use.
 */
import { createHash } from 'node:crypto';
import { AppError, invalid } from '@/lib/errors';
import { config } from '@/lib/env';
import { createDecoder } from '@/lib/bpftrace/decoder';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { scriptUsesKprobes, upstreamBlocker } from '@/lib/bpftrace/upstream-tools';
import { getHostRow, withConnection } from '@/lib/hosts/service';
import { sftpReadFile } from '@/lib/ssh/exec';
import { runBpftraceRemote } from '@/lib/ssh/remote-bpftrace';
import { createGenericParser } from '@/lib/tools/generic/parse';
import type { GenericResult } from '@/lib/tools/generic/types';
import { meaningfulStderr } from '@/lib/runs/execute';

const MAX_SCRIPT_BYTES = 256 * 1024;
const STDERR_MAX_BYTES = 64 * 1024;

export interface UpstreamRunResult {
  name: string;
  path: string;
  /** sha256 (hex) of the script bytes read from the host: the text that ran */
  scriptSha256: string;
  exitCode: number | null;
  /** bpftrace's own error lines when it failed (the harmless RLIMIT_MEMLOCK line left out) */
  failure: string | null;
  stderr: string;
  result: GenericResult;
}

export async function runUpstreamTool(hostId: string, name: string, durationSec: number): Promise<UpstreamRunResult> {
  if (!Number.isInteger(durationSec) || durationSec < 1 || durationSec > 120) throw invalid('durationSec: a whole number from 1 to 120');
  const host = await getHostRow(hostId);
  if (!host.hostKeyBlob) throw new AppError('host_key_unknown', `the host key of ${host.name} is not pinned yet`);
  const caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
  if (!caps?.upstreamTools) throw invalid(`${host.name} has not been checked for upstream tools yet (run the host check)`);
  const tool = caps.upstreamTools.find((t) => t.name === name);
  if (!tool) throw invalid(`${host.name}'s bpftrace package has no tool ${JSON.stringify(name).slice(0, 60)}`);
  const blocked = upstreamBlocker(tool, caps.probes.kprobe?.ok);
  if (blocked) throw new AppError('tool_unavailable', blocked);

  return withConnection(host, async (client) => {
    const bytes = await sftpReadFile(client, tool.path, MAX_SCRIPT_BYTES);
    const text = bytes.toString('utf8');
    // the listing may be older than the file: check what will run
    if (scriptUsesKprobes(text) && caps.probes.kprobe?.ok === false) {
      throw new AppError('tool_unavailable', upstreamBlocker({ ...tool, usesKprobes: true }, false)!);
    }
    const scriptSha256 = createHash('sha256').update(bytes).digest('hex');
    const decoder = createDecoder({ version: caps.bpftraceVersion ?? undefined });
    const parser = createGenericParser();
    let stderr = '';
    const out = await runBpftraceRemote(client, {
      script: text,
      durationSec,
      graceSec: config().stopGraceSec,
      onStdout: (chunk) => {
        for (const r of decoder.push(chunk)) parser.push(r);
      },
      onStderr: (chunk) => {
        if (stderr.length < STDERR_MAX_BYTES) stderr += chunk.toString('utf8');
      },
    });
    for (const r of decoder.end()) parser.push(r);
    const errors = meaningfulStderr(stderr);
    const failed = out.exitCode !== 0 && !out.cancelled;
    return {
      name: tool.name,
      path: tool.path,
      scriptSha256,
      exitCode: out.exitCode,
      failure: failed ? `${tool.name}.bt failed on ${host.name} (exit ${out.exitCode}): ${errors.slice(0, 3).join(' / ') || 'no message'}` : null,
      stderr: stderr.slice(0, STDERR_MAX_BYTES),
      result: parser.finish(),
    };
  });
}
