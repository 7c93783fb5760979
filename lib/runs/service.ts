/**
 * Runs: the persisted state machine queued -> connecting -> running -> completed | failed | cancelled.
 */
import 'server-only';
import { resultForView } from '@/lib/tools/profile/full-stacks';
import { db } from '@/lib/db/client';
import { config } from '@/lib/env';
import { AppError, conflict, invalid, notFound } from '@/lib/errors';
import { newId } from '@/lib/ids';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { chooseVariant, getTool, loadScript, resolveParams } from '@/lib/tools/catalog';
import { getHostRow } from '@/lib/hosts/service';
import { withRunQuota } from '@/lib/auth/run-limits';
import { runBus } from '@/lib/runs/bus';
import { Runner } from '@/lib/runs/runner';
import { toPublicRun } from '@/lib/runs/public';
import { TERMINAL, type PublicRun, type RunStatus } from '@/lib/runs/types';
import type { StartRunInput } from '@/lib/runs/schemas';
import { deleteUnreferencedRawOutputs } from '@/lib/reports/raw-store';
import { planUpstreamRun } from '@/lib/runs/upstream';
import type { Prisma } from '@/lib/db/generated/client';

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

/**
 * For a process that shares the database with a running server (the CLI): its first run must not mark
 * the server's live runs as interrupted, so recovery is skipped in this process.
 */
export function skipInterruptedRunRecovery(): void {
  g.__bpfdeckRecovered ??= Promise.resolve(0);
}

/** markInterruptedRuns, once per process, before the first run starts. */
export function recoverInterruptedRuns(): Promise<number> {
  g.__bpfdeckRecovered ??= markInterruptedRuns();
  return g.__bpfdeckRecovered;
}

export async function startRun(input: StartRunInput, requestedBy: string, opts: { dashboardId?: string } = {}): Promise<PublicRun> {
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
  // Stored with the run (paramsJson): the executor renders the script from them, and a report can
  // rebuild the exact text later; the script's sha256 covers them too.
  const params = resolveParams(tool, input.params);
  const script = loadScript(choice.variant, tool, params);
  return queueRun(
    {
      hostId: host.id,
      toolId: tool.id,
      variantId: choice.variant.id,
      scriptSha256: script.sha256,
      durationSec: input.durationSec,
      paramsJson: tool.params?.length ? JSON.stringify(params) : null,
      bpftraceVersion: caps?.bpftraceVersion ?? null,
      dashboardId: opts.dashboardId ?? null,
    },
    requestedBy,
  );
}

/**
 * One of the host package's own upstream tools (/usr/sbin/<name>.bt), by its name in the host check's
 * listing, as a Run (lib/runs/upstream.ts): the same queue, limits, live progress and storage as a
 * catalog run, with the generic views.
 */
export async function startUpstreamRun(hostId: string, name: string, durationSec: number, requestedBy: string): Promise<PublicRun> {
  await recoverInterruptedRuns();
  const host = await getHostRow(hostId);
  return queueRun(planUpstreamRun(host, name, durationSec), requestedBy);
}

/**
 * Create a checked run as `queued` (within the per-user limits of lib/auth/run-limits: active runs and
 * starts per 10 minutes, checked and counted in one step), announce it and hand it to the queue.
 * Every kind of run starts here; what it runs is resolved when it executes (lib/runs/script.ts).
 */
export async function queueRun(data: Omit<Prisma.RunUncheckedCreateInput, 'id' | 'status' | 'requestedBy'>, requestedBy: string): Promise<PublicRun> {
  const run = await withRunQuota(requestedBy, () =>
    db().run.create({
      data: { ...data, id: newId(), status: 'queued', requestedBy },
      include: { host: { select: { name: true } } },
    }),
  );
  const pub = toPublicRun(run);
  runBus.publish(run, { type: 'run', run: pub });
  runner().enqueue(run.id, run.hostId, run.toolId);
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
    runBus.publish(updated, { type: 'done', run: toPublicRun(updated), result: null });
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
  return r.resultJson ? resultForView(JSON.parse(r.resultJson)) : null; // full stacks: for exports only
}

/** The stored result as its JSON text (no parse: routes send it as it is), or null before there is one. */
export async function getRunResultJson(id: string): Promise<string | null> {
  const r = await db().run.findUnique({ where: { id }, select: { resultJson: true } });
  if (!r) throw notFound('run');
  return r.resultJson ?? null;
}

export async function getRawOutput(id: string): Promise<Buffer | null> {
  // After a report took the run, its bytes live in the shared RawOutput store (lib/reports/raw-store).
  const r = await db().run.findUnique({ where: { id }, select: { rawOutputGz: true, rawOutput: { select: { gz: true } } } });
  if (!r) throw notFound('run');
  const gz = r.rawOutputGz ?? r.rawOutput?.gz ?? null;
  return gz ? Buffer.from(gz) : null;
}

export async function listRuns(filter: { hostId?: string; toolId?: string; limit?: number; from?: Date; to?: Date }): Promise<PublicRun[]> {
  const rows = await db().run.findMany({
    where: { hostId: filter.hostId, toolId: filter.toolId, createdAt: filter.from || filter.to ? { gte: filter.from, lt: filter.to } : undefined },
    orderBy: { createdAt: 'desc' },
    take: Math.min(filter.limit ?? 50, 500),
    include: { host: { select: { name: true } } },
  });
  return rows.map(toPublicRun);
}

/**
 * Delete a finished run (admin). Reports that took it keep everything (their raw output stays in the
 * store while a report refers to it).
 */
export async function deleteRun(id: string): Promise<void> {
  const r = await db().run.findUnique({ where: { id }, select: { status: true, rawOutputId: true } });
  if (!r) throw notFound('run');
  if (!TERMINAL.has(r.status as RunStatus)) throw conflict(`the run is still ${r.status}: cancel it first`);
  await db().run.delete({ where: { id } });
  await deleteUnreferencedRawOutputs([r.rawOutputId]);
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

/** Latest run of each tool on a host (any status), newest first per tool. */
export async function latestRunsByTool(hostId: string): Promise<Record<string, PublicRun>> {
  const rows = await db().run.findMany({
    where: { hostId },
    orderBy: { createdAt: 'desc' },
    take: 200,
    include: { host: { select: { name: true } } },
  });
  const out: Record<string, PublicRun> = {};
  for (const r of rows) out[r.toolId] ??= toPublicRun(r);
  return out;
}
