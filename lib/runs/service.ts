/**
 * Runs: the persisted state machine queued -> connecting -> running -> completed | failed | cancelled.
 */
import { db } from '@/lib/db/client';
import { config } from '@/lib/env';
import { AppError, conflict, invalid, notFound } from '@/lib/errors';
import { newId } from '@/lib/ids';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { chooseVariant, getTool, loadScript } from '@/lib/tools/catalog';
import { getHostRow } from '@/lib/hosts/service';
import { runBus } from '@/lib/runs/bus';
import { Runner } from '@/lib/runs/runner';
import { toPublicRun } from '@/lib/runs/public';
import { TERMINAL, type PublicRun, type RunStatus } from '@/lib/runs/types';
import type { StartRunInput } from '@/lib/runs/schemas';

const g = globalThis as unknown as { __bpfdeckRunner?: Runner; __bpfdeckRecovered?: Promise<number> };

export function runner(): Runner {
  g.__bpfdeckRunner ??= new Runner(config().maxConcurrentRuns);
  return g.__bpfdeckRunner;
}

/**
 * Runs left in a live state by a previous process cannot be resumed (their SSH sessions died with it;
 * the hosts stopped bpftrace on their own when the connection dropped). Mark them failed.
 * Only call this when no run is executing in this process.
 */
export async function markInterruptedRuns(): Promise<number> {
  const r = await db().run.updateMany({
    where: { status: { in: ['queued', 'connecting', 'running'] } },
    data: { status: 'failed', errorMessage: 'server restarted', endedAt: new Date() },
  });
  if (r.count) console.warn(`bpfdeck: marked ${r.count} interrupted run(s) failed (server restarted)`);
  return r.count;
}

/** markInterruptedRuns, once per process, before the first run starts. */
export function recoverInterruptedRuns(): Promise<number> {
  g.__bpfdeckRecovered ??= markInterruptedRuns();
  return g.__bpfdeckRecovered;
}

export async function startRun(input: StartRunInput, requestedBy: string): Promise<PublicRun> {
  await recoverInterruptedRuns();
  const tool = getTool(input.toolId);
  if (!tool) throw invalid(`unknown tool ${input.toolId}`);
  if (input.durationSec < tool.minDurationSec || input.durationSec > tool.maxDurationSec) {
    throw invalid(`${tool.title} runs for ${tool.minDurationSec} to ${tool.maxDurationSec} s (asked for ${input.durationSec} s)`);
  }
  const host = await getHostRow(input.hostId);
  if (!host.hostKeyBlob) {
    throw new AppError('host_key_unknown', `the host key of ${host.name} is not pinned yet: check and accept its fingerprint first`);
  }
  // With known capabilities, refuse at once and say why; unknown ones are checked when the run starts.
  const caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
  const choice = caps ? chooseVariant(tool, caps) : { ok: true as const, variant: tool.variants[0] };
  if (!choice.ok) throw new AppError('tool_unavailable', choice.reason);
  const script = loadScript(choice.variant);
  const run = await db().run.create({
    data: {
      id: newId(),
      hostId: host.id,
      toolId: tool.id,
      variantId: choice.variant.id,
      scriptSha256: script.sha256,
      durationSec: input.durationSec,
      status: 'queued',
      requestedBy,
    },
    include: { host: { select: { name: true } } },
  });
  const pub = toPublicRun(run);
  runBus.publish(run.id, { type: 'run', run: pub });
  runner().enqueue(run.id, host.id, tool.id);
  return pub;
}

export async function cancelRun(id: string): Promise<PublicRun> {
  const run = await db().run.findUnique({ where: { id } });
  if (!run) throw notFound('run');
  if (TERMINAL.has(run.status as RunStatus)) throw conflict(`run is already ${run.status}`);
  await db().run.update({ where: { id }, data: { cancelRequested: true } });
  const how = runner().cancel(id);
  if (how === 'dequeued' || how === 'unknown') {
    // Not executing in this process: nothing on a host to stop.
    const updated = await db().run.update({
      where: { id },
      data: { status: 'cancelled', endedAt: new Date(), errorMessage: 'cancelled before it started' },
      include: { host: { select: { name: true } } },
    });
    runBus.publish(id, { type: 'done', run: toPublicRun(updated), result: null });
    return toPublicRun(updated);
  }
  return getRun(id);
}

export async function getRun(id: string): Promise<PublicRun> {
  const r = await db().run.findUnique({ where: { id }, include: { host: { select: { name: true } } } });
  if (!r) throw notFound('run');
  return toPublicRun(r);
}

export async function getRunResult(id: string): Promise<unknown | null> {
  const r = await db().run.findUnique({ where: { id }, select: { resultJson: true } });
  if (!r) throw notFound('run');
  return r.resultJson ? JSON.parse(r.resultJson) : null;
}

export async function getRawOutput(id: string): Promise<Buffer | null> {
  const r = await db().run.findUnique({ where: { id }, select: { rawOutputGz: true } });
  if (!r) throw notFound('run');
  return r.rawOutputGz ? Buffer.from(r.rawOutputGz) : null;
}

export async function listRuns(filter: { hostId?: string; toolId?: string; limit?: number }): Promise<PublicRun[]> {
  const rows = await db().run.findMany({
    where: { hostId: filter.hostId, toolId: filter.toolId },
    orderBy: { createdAt: 'desc' },
    take: Math.min(filter.limit ?? 50, 500),
    include: { host: { select: { name: true } } },
  });
  return rows.map(toPublicRun);
}

export async function waitForRun(id: string, timeoutMs: number): Promise<PublicRun> {
  const t0 = Date.now();
  for (;;) {
    const r = await getRun(id);
    if (TERMINAL.has(r.status)) return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${id} still ${r.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 200));
  }
}
