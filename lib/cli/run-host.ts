/**
 * `bpfdeck run --host <name>`: a run through lib/runs/service, exactly as the web page starts one (it
 * is recorded in the server's database), executed by this process's runner, with its live progress
 * on stderr. Ctrl-C (or SIGTERM) cancels the run: bpftrace stops on the host, prints its maps, and
 * the partial result is stored and printed.
 */
import os from 'node:os';
import { config } from '@/lib/env';
import type { RunRequest } from '@/lib/cli/validate';
import type { PublicRun, RunProgress } from '@/lib/runs/types';

export class HostRunError extends Error {}

export interface HostRunOutcome {
  run: PublicRun;
  result: unknown | null;
}

function progressLine(p: RunProgress): string {
  const t = `${p.elapsedSec.toFixed(1)} s, ${p.remainingSec.toFixed(1)} s left`;
  return `${p.phase} (${t}): ${p.records} records, ${p.lostEvents} lost, ${p.stdoutBytes} bytes`;
}

export async function runOnHost(hostName: string, req: RunRequest, progress: (line: string) => void): Promise<HostRunOutcome> {
  const { listHosts } = await import('@/lib/hosts/service');
  const { cancelRun, getRunResult, skipInterruptedRunRecovery, startRun, waitForRun } = await import('@/lib/runs/service');
  const { liveBus, runQueue } = await import('@/lib/runs/backend');
  const { AppError } = await import('@/lib/errors');

  const hosts = await listHosts();
  const host = hosts.find((h) => h.name === hostName);
  if (!host) {
    throw new HostRunError(
      `no host named ${hostName} in the database${hosts.length ? ` (hosts: ${hosts.map((h) => h.name).join(', ')})` : ' (none registered)'}`,
    );
  }
  // The web server may be running runs on this same database: they are not ours to mark interrupted.
  skipInterruptedRunRecovery();

  let run: PublicRun;
  try {
    run = await startRun({ hostId: host.id, toolId: req.tool.id, durationSec: req.durationSec, params: req.params }, `cli:${os.userInfo().username}`);
  } catch (e) {
    if (e instanceof AppError) throw new HostRunError(e.message);
    throw e;
  }
  progress(`run ${run.id}: ${req.tool.id} on ${host.name} for ${req.durationSec} s (queued)`);

  let lastLine = '';
  let lastAt = 0;
  const unsubscribe = liveBus().subscribe(run.id, (ev) => {
    let line = '';
    if (ev.type === 'run') line = `status ${ev.run.status}${ev.run.variantId ? ` (variant ${ev.run.variantId})` : ''}`;
    else if (ev.type === 'progress') {
      // at most one progress line per second, and none that says nothing new
      if (Date.now() - lastAt < 1000 && ev.progress.phase === 'tracing') return;
      line = progressLine(ev.progress);
    } else return;
    if (line === lastLine) return;
    lastLine = line;
    lastAt = Date.now();
    progress(line);
  });
  let cancelling = false;
  const onSigint = () => {
    if (cancelling) return;
    cancelling = true;
    progress('cancelling: bpftrace prints its maps and stops');
    void cancelRun(run.id).catch(() => {});
  };
  // Ctrl-C, or a `kill`: cancel rather than die (a dead client leaves the run marked running)
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    // after the duration bpftrace may take up to stopGraceSec to stop (lib/bpftrace/stop); plus connecting
    const done = await waitForRun(run.id, (req.durationSec + config().stopGraceSec + 60) * 1000);
    return { run: done, result: await getRunResult(run.id) };
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    unsubscribe();
    await runQueue().shutdown(5_000);
  }
}
