/**
 * Fleet runs (issue 9): one request starts one run per selected host and tool. Each host's part is an
 * ordinary run (lib/runs: its own preflight picks its own variant, its own connection, its own
 * terminal status), queued in one group of the run queue so that at most `fanout` hosts execute at
 * once. One host's failure is that host's run's status and never touches the others.
 *
 * Everything is created at once (the FleetRun row, every run as `queued`, or `failed` at once for a host
 * that cannot be reached safely: its key is not pinned), then enqueued host by host. A queued run holds
 * no connection and no timer: its connect timeout starts when it starts executing, so 500 selected
 * hosts only wait their turn.
 */
import 'server-only';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { db } from '@/lib/db/client';
import type { Prisma } from '@/lib/db/generated/client';
import { AppError, conflict, invalid, notFound } from '@/lib/errors';
import { newId } from '@/lib/ids';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { chooseVariant, getTool, listTools, loadScript, resolveParams, type ToolDef } from '@/lib/tools/catalog';
import { listHosts, type PublicHost } from '@/lib/hosts/service';
import { withFleetQuota } from '@/lib/auth/run-limits';
import { liveBus, runQueue } from '@/lib/runs/backend';
import { cancelRun, recoverInterruptedRuns } from '@/lib/runs/service';
import { toPublicRun } from '@/lib/runs/public';
import { RUN_STATUSES, TERMINAL, type RunStatus } from '@/lib/runs/types';
import { fleetFanout } from '@/lib/settings';
import { resultJsonForView } from '@/lib/tools/profile/full-stacks';
import type { StartFleetRunBody } from '@/lib/fleet/schemas';
import type { FleetCounts, FleetHost, FleetHostSkip, FleetRunPage, FleetRunStatus, FleetRunSummary, PublicFleetRun } from '@/lib/fleet/types';

/** hosts one fleet run may select (500 must work; this only bounds one request's work) */
export const MAX_FLEET_HOSTS = 5000;
const DNS_TIMEOUT_MS = 2000;

/** What a fleet run keeps of each selected host as it was when the run started (FleetRun.hostsJson). */
export interface HostSnapshot {
  hostId: string;
  hostName: string;
  tags: Record<string, string>;
  address: string;
  /** the address, and what it resolved to on this server when the run started */
  addresses: string[];
  cpuCount: number | null;
  skipped: FleetHostSkip[];
}

/** A fleet run with its runs, without their heavy columns (results and raw output: megabytes a host) */
type FleetRow = Prisma.FleetRunGetPayload<{
  include: { runs: { omit: { resultJson: true; rawOutputGz: true }; include: { host: { select: { name: true; preflightJson: true } } } } };
}> & { withResult: ReadonlySet<string> };

const LIVE: readonly RunStatus[] = ['queued', 'connecting', 'running'];

function cpuCountOf(preflightJson: string | null): number | null {
  if (!preflightJson) return null;
  const n = (JSON.parse(preflightJson) as HostCapabilities).cpuCount;
  return typeof n === 'number' && n > 0 ? n : null;
}

/** The address and, for a name, what it resolves to here (for matching tcplife's peers to hosts). */
async function addressesOf(address: string): Promise<string[]> {
  if (isIP(address)) return [address];
  const timeout = new Promise<[]>((r) => setTimeout(() => r([]), DNS_TIMEOUT_MS).unref());
  const resolved = await Promise.race([
    lookup(address, { all: true }).then(
      (xs) => xs.map((x) => x.address),
      () => [] as string[],
    ),
    timeout,
  ]);
  return [address, ...new Set(resolved)];
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** The hosts a request picks: the selector's and the listed ids (their union), by name. */
async function pickHosts(input: StartFleetRunBody): Promise<PublicHost[]> {
  const all = await listHosts();
  const picked = new Map<string, PublicHost>();
  if (input.selector !== undefined) for (const h of await listHosts({ selector: input.selector })) picked.set(h.id, h);
  if (input.hostIds) {
    const byId = new Map(all.map((h) => [h.id, h]));
    for (const id of input.hostIds) {
      const h = byId.get(id);
      if (!h) throw invalid(`hostIds: no host with id ${id}`);
      picked.set(id, h);
    }
  }
  if (picked.size === 0) {
    const what = input.selector !== undefined ? `the selector ${JSON.stringify(input.selector)} matches no host` : 'no host was given';
    throw new AppError(
      'empty_selection',
      `${what}: nothing to run (${all.length} host(s) are registered; GET /api/hosts?selector=... shows what a selector picks)`,
    );
  }
  if (picked.size > MAX_FLEET_HOSTS) throw invalid(`${picked.size} hosts selected; one fleet run takes at most ${MAX_FLEET_HOSTS}`);
  return [...picked.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The tools asked for, each checked against the catalog and the duration against its limits. */
function pickTools(toolIds: string[] | 'dashboard', durationSec: number): Array<{ tool: ToolDef; durationSec: number }> {
  if (toolIds === 'dashboard') {
    // as on one host: each tool keeps to its own limits (profile and runqlat: at most 60 s)
    return listTools().map((tool) => ({ tool, durationSec: Math.min(tool.maxDurationSec, Math.max(tool.minDurationSec, durationSec)) }));
  }
  const seen = new Set<string>();
  return toolIds.map((id) => {
    const tool = getTool(id);
    if (!tool) throw invalid(`toolIds: unknown tool ${id}`);
    if (seen.has(id)) throw invalid(`toolIds: ${id} is listed twice`);
    seen.add(id);
    if (durationSec < tool.minDurationSec || durationSec > tool.maxDurationSec) {
      throw invalid(`${tool.title} runs for ${tool.minDurationSec} to ${tool.maxDurationSec} s (asked for ${durationSec} s)`);
    }
    return { tool, durationSec };
  });
}

export async function startFleetRun(input: StartFleetRunBody, requestedBy: string): Promise<PublicFleetRun> {
  await recoverInterruptedRuns();
  const tools = pickTools(input.toolIds, input.durationSec);
  const hosts = await pickHosts(input);
  const fanout = await fleetFanout();
  const fleetId = newId();
  const now = new Date();
  const snapshots: HostSnapshot[] = [];
  const runs: Prisma.RunCreateManyInput[] = [];
  const addresses = await mapLimit(hosts, 16, (h) => addressesOf(h.address));
  for (const [i, h] of hosts.entries()) {
    const caps = h.capabilities;
    const snap: HostSnapshot = {
      hostId: h.id,
      hostName: h.name,
      tags: h.tags,
      address: h.address,
      addresses: addresses[i],
      cpuCount: typeof caps?.cpuCount === 'number' ? caps.cpuCount : null,
      skipped: [],
    };
    snapshots.push(snap);
    for (const { tool, durationSec } of tools) {
      // With known capabilities a tool that cannot run is skipped with the check's reason; with none
      // (never checked) the run's own preflight decides when the host's turn comes.
      const choice = caps ? chooseVariant(tool, caps) : { ok: true as const, variant: tool.variants[0] };
      if (!choice.ok) {
        snap.skipped.push({ toolId: tool.id, reason: choice.reason });
        continue;
      }
      const params = resolveParams(tool, {});
      const script = loadScript(choice.variant, tool, params);
      // An unpinned key: refused here, without any connection (never trust on first use).
      const refused = h.hostKey ? null : `the host key of ${h.name} is not pinned yet: check and accept its fingerprint first`;
      runs.push({
        id: newId(),
        hostId: h.id,
        toolId: tool.id,
        variantId: choice.variant.id,
        scriptSha256: script.sha256,
        durationSec,
        paramsJson: tool.params?.length ? JSON.stringify(params) : null,
        status: refused ? 'failed' : 'queued',
        errorMessage: refused,
        endedAt: refused ? now : null,
        requestedBy,
        fleetRunId: fleetId,
        createdAt: now,
      });
    }
  }
  // One fleet run counts as one start and one active run against the caller's limits.
  // in the quota's transaction (tx): the user's lock row is let go only once the runs exist
  await withFleetQuota(requestedBy, async (tx) => {
    await tx.fleetRun.create({
      data: {
        id: fleetId,
        selector: input.selector?.trim() ?? null,
        toolIdsJson: JSON.stringify(input.toolIds),
        durationSec: input.durationSec,
        fanout,
        requestedBy,
        hostsJson: JSON.stringify(snapshots),
        createdAt: now,
      },
    });
    await tx.run.createMany({ data: runs });
  });
  // host pages open now see their host's part at once (refused ones as ended)
  for (const r of await db().run.findMany({ where: { fleetRunId: fleetId }, include: { host: { select: { name: true } } } })) {
    const pub = toPublicRun(r);
    await liveBus().publish(r, pub.status === 'failed' ? { type: 'done', run: pub, result: null } : { type: 'run', run: pub });
  }
  // host by host, tools of a host together: a dashboard's tools on one host start at the same moment
  for (const r of runs) {
    if (r.status === 'queued') await runQueue().enqueue(r.id!, r.hostId, r.toolId, { groupId: fleetId, groupLimit: fanout });
  }
  return getFleetRun(fleetId);
}

async function fleetRow(id: string): Promise<FleetRow> {
  const f = await db().fleetRun.findUnique({
    where: { id },
    include: {
      runs: {
        omit: { resultJson: true, rawOutputGz: true },
        include: { host: { select: { name: true, preflightJson: true } } },
        orderBy: { createdAt: 'asc' },
      },
    },
  });
  if (!f) throw notFound('fleet run');
  const withResult = new Set((await db().run.findMany({ where: { fleetRunId: id, resultJson: { not: null } }, select: { id: true } })).map((r) => r.id));
  return { ...f, withResult };
}

function emptyCounts(): FleetCounts {
  return { ...(Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>), skipped: 0 };
}

export function fleetStatus(statuses: RunStatus[], cancelRequested: boolean): FleetRunStatus {
  if (statuses.some((s) => !TERMINAL.has(s))) return 'running';
  if (cancelRequested) return 'cancelled';
  const done = statuses.filter((s) => s === 'completed').length;
  if (statuses.length > 0 && done === statuses.length) return 'completed';
  return done === 0 ? 'failed' : 'partial';
}

function toolIdsOf(json: string): string[] | 'dashboard' {
  return JSON.parse(json) as string[] | 'dashboard';
}

function catalogIndex(toolId: string): number {
  const i = listTools().findIndex((t) => t.id === toolId);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

function endedAtOf(f: { createdAt: Date }, runs: Array<{ status: string; endedAt: Date | null }>): string | null {
  if (runs.some((r) => !TERMINAL.has(r.status as RunStatus))) return null;
  const last = Math.max(f.createdAt.getTime(), ...runs.map((r) => r.endedAt?.getTime() ?? 0));
  return new Date(last).toISOString();
}

export function toPublicFleetRun(f: FleetRow): PublicFleetRun {
  const snaps = JSON.parse(f.hostsJson) as HostSnapshot[];
  const counts = emptyCounts();
  const byHost = new Map<string, FleetRow['runs']>();
  for (const r of f.runs) {
    counts[r.status as RunStatus]++;
    byHost.set(r.hostId, [...(byHost.get(r.hostId) ?? []), r]);
  }
  const hosts: FleetHost[] = snaps.map((s) => {
    const runs = (byHost.get(s.hostId) ?? []).sort((a, b) => catalogIndex(a.toolId) - catalogIndex(b.toolId));
    counts.skipped += s.skipped.length;
    return {
      hostId: s.hostId,
      hostName: s.hostName,
      tags: s.tags,
      address: s.address,
      // the host's latest check (a run's own preflight may have recorded it since the start)
      cpuCount: (runs[0] ? cpuCountOf(runs[0].host.preflightJson) : null) ?? s.cpuCount,
      runs: runs.map((r) => ({ ...toPublicRun({ ...r, resultJson: null, rawOutputGz: null }), hasResult: f.withResult.has(r.id) })),
      skipped: s.skipped,
    };
  });
  return {
    id: f.id,
    status: fleetStatus(
      f.runs.map((r) => r.status as RunStatus),
      f.cancelRequested,
    ),
    selector: f.selector,
    toolIds: toolIdsOf(f.toolIdsJson),
    durationSec: f.durationSec,
    fanout: f.fanout,
    requestedBy: f.requestedBy,
    createdAt: f.createdAt.toISOString(),
    endedAt: endedAtOf(f, f.runs),
    cancelRequested: f.cancelRequested,
    counts,
    hosts,
  };
}

export async function getFleetRun(id: string): Promise<PublicFleetRun> {
  return toPublicFleetRun(await fleetRow(id));
}

/** The fleet history, newest first; `before` is the previous page's nextBefore (a fleet run id). */
export async function listFleetRuns(opts: { limit?: number; before?: string } = {}): Promise<FleetRunPage> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  let cursor: { createdAt: Date; id: string } | null = null;
  if (opts.before) {
    cursor = await db().fleetRun.findUnique({ where: { id: opts.before }, select: { createdAt: true, id: true } });
    if (!cursor) throw invalid('before: no fleet run with that id');
  }
  const rows = await db().fleetRun.findMany({
    where: cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : undefined,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    include: { runs: { select: { status: true, endedAt: true } } },
  });
  const page = rows.slice(0, limit);
  const reports = await db().report.findMany({ where: { fleetRunId: { in: page.map((f) => f.id) }, kind: 'fleet' }, select: { id: true, fleetRunId: true } });
  const reportOf = new Map(reports.map((r) => [r.fleetRunId, r.id]));
  const fleetRuns: FleetRunSummary[] = page.map((f) => {
    const counts = emptyCounts();
    for (const r of f.runs) counts[r.status as RunStatus]++;
    const snaps = JSON.parse(f.hostsJson) as HostSnapshot[];
    counts.skipped = snaps.reduce((n, s) => n + s.skipped.length, 0);
    return {
      id: f.id,
      status: fleetStatus(
        f.runs.map((r) => r.status as RunStatus),
        f.cancelRequested,
      ),
      selector: f.selector,
      toolIds: toolIdsOf(f.toolIdsJson),
      durationSec: f.durationSec,
      fanout: f.fanout,
      requestedBy: f.requestedBy,
      createdAt: f.createdAt.toISOString(),
      endedAt: endedAtOf(f, f.runs),
      hostCount: snaps.length,
      counts,
      reportId: reportOf.get(f.id) ?? null,
    };
  });
  return { fleetRuns, nextBefore: rows.length > limit ? page[page.length - 1].id : null };
}

/**
 * Cancel every host's run: queued ones first (so none starts while the executing ones stop), then the
 * executing ones (SIGINT on the host: bpftrace prints its maps, the result is kept, as for one host).
 */
export async function cancelFleetRun(id: string): Promise<PublicFleetRun> {
  const f = await fleetRow(id);
  const live = f.runs.filter((r) => LIVE.includes(r.status as RunStatus));
  if (live.length === 0) throw conflict(`the fleet run has ended (${toPublicFleetRun(f).status})`);
  await db().fleetRun.update({ where: { id }, data: { cancelRequested: true } });
  const queuedFirst = [...live].sort((a, b) => Number(b.status === 'queued') - Number(a.status === 'queued'));
  for (const r of queuedFirst) {
    try {
      await cancelRun(r.id);
    } catch (e) {
      // ended on its own meanwhile: nothing to cancel there
      if (!(e instanceof AppError && e.code === 'conflict')) throw e;
    }
  }
  await maybeMakeFleetReport(id);
  return getFleetRun(id);
}

/** When no run of the fleet run is live any more: make its report (if it has any result). Never throws. */
export async function maybeMakeFleetReport(fleetRunId: string): Promise<void> {
  try {
    const live = await db().run.count({ where: { fleetRunId, status: { in: [...LIVE] } } });
    if (live > 0) return;
    const { createFleetReport } = await import('@/lib/fleet/report');
    await createFleetReport(fleetRunId);
  } catch (e) {
    console.error(`bpfdeck: no report for fleet run ${fleetRunId}`, e);
  }
}

/**
 * One tool's result on every host that ran it, as JSON text: each result is the stored text (the
 * view's: a profile's full stacks stay on the server), spliced in without a parse per request.
 */
export async function fleetResultsJson(id: string, toolId: string, opts: { fullStacks?: boolean } = {}): Promise<string> {
  const f = await db().fleetRun.findUnique({ where: { id }, select: { hostsJson: true } });
  if (!f) throw notFound('fleet run');
  const snaps = new Map((JSON.parse(f.hostsJson) as HostSnapshot[]).map((s) => [s.hostId, s]));
  const runs = await db().run.findMany({
    where: { fleetRunId: id, toolId },
    select: { id: true, hostId: true, status: true, errorMessage: true, resultJson: true, host: { select: { name: true, preflightJson: true } } },
  });
  runs.sort((a, b) => (snaps.get(a.hostId)?.hostName ?? a.host.name).localeCompare(snaps.get(b.hostId)?.hostName ?? b.host.name));
  const parts = runs.map((r) => {
    const s = snaps.get(r.hostId);
    const head = {
      hostId: r.hostId,
      hostName: s?.hostName ?? r.host.name,
      tags: s?.tags ?? {},
      addresses: s?.addresses ?? [],
      cpuCount: cpuCountOf(r.host.preflightJson) ?? s?.cpuCount ?? null,
      runId: r.id,
      status: r.status,
      errorMessage: r.errorMessage,
    };
    const json = JSON.stringify(head);
    // fullStacks: for the merged exports (lib/fleet/export.ts), made on the server
    const result = r.resultJson === null ? 'null' : opts.fullStacks ? r.resultJson : resultJsonForView(r.resultJson);
    return `${json.slice(0, -1)},"result":${result}}`;
  });
  return `{"toolId":${JSON.stringify(toolId)},"hosts":[${parts.join(',')}]}`;
}

/** For the CLI and tests: wait until every host's run has ended. */
export async function waitForFleetRun(id: string, timeoutMs: number, onTick?: (f: PublicFleetRun) => void): Promise<PublicFleetRun> {
  const t0 = Date.now();
  for (;;) {
    const f = await getFleetRun(id);
    onTick?.(f);
    if (f.status !== 'running') return f;
    if (Date.now() - t0 > timeoutMs) throw new Error(`fleet run ${id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
