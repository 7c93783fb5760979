/**
 * Fleet reports: an immutable snapshot of a whole fleet run (model in lib/fleet/types PublicFleetReport).
 * A Report of kind 'fleet' holds the fleet run's own facts in fleetJson; under it, one Report of kind
 * 'fleet-host' per host that ran something is an ordinary one-host report (host snapshot, one item per
 * tool made by lib/reports/snapshot's itemFromRun: script text, result, raw output in the shared store),
 * so every existing per-report route (result, export, raw) works on a host's part as it is.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import type { Prisma } from '@/lib/db/generated/client';
import { conflict, notFound } from '@/lib/errors';
import { newId } from '@/lib/ids';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { getTool, listTools } from '@/lib/tools/catalog';
import { DEFAULT_DEPS, hostSnapshot, itemFromRun, type ItemData } from '@/lib/reports/snapshot';
import { moveRunRawToStore } from '@/lib/reports/raw-store';
import { resultJsonForView } from '@/lib/tools/profile/full-stacks';
import { toPublicFleetRun, type HostSnapshot } from '@/lib/fleet/service';
import type { FleetCounts, FleetHostResult, FleetReportHost, FleetRunStatus, PublicFleetReport } from '@/lib/fleet/types';

/** Report.fleetJson of the kind 'fleet' report */
interface FleetJson {
  fleetRunId: string;
  selector: string | null;
  toolIds: string[] | 'dashboard';
  fanout: number;
  status: FleetRunStatus;
  counts: FleetCounts;
  hosts: Array<HostSnapshot & { kernelRelease: string | null; bpftraceVersion: string | null }>;
}

/** Report.fleetJson of a kind 'fleet-host' report */
type FleetHostJson = Omit<HostSnapshot, 'hostId' | 'hostName' | 'address'>;

/** a fleet report while its host reports are being written (see createFleetReport) */
export const PENDING_KIND = 'fleet-pending';

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'P2002';
}

function catalogIndex(toolId: string): number {
  const i = listTools().findIndex((t) => t.id === toolId);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/**
 * The report of a fleet run, once every host's run has ended (else null, or 409 with `force`). One per
 * fleet run: later calls return the same id. `created` says whether this call made it.
 */
export async function createFleetReport(fleetRunId: string, opts: { force?: boolean } = {}): Promise<{ id: string; created: boolean } | null> {
  const existing = await db().report.findUnique({ where: { fleetRunId }, select: { id: true, kind: true } });
  if (existing?.kind === PENDING_KIND) {
    if (opts.force) throw conflict('the report of this fleet run is being made: ask again in a moment');
    return null;
  }
  if (existing) return { id: existing.id, created: false };
  // the runs without their results and raw output: those are read one host at a time below, so that
  // a fleet of profiles is never all in memory at once
  const f = await db().fleetRun.findUnique({
    where: { id: fleetRunId },
    include: { runs: { omit: { resultJson: true, rawOutputGz: true }, include: { host: true }, orderBy: { createdAt: 'asc' } } },
  });
  if (!f) throw notFound('fleet run');
  const withResult = new Set((await db().run.findMany({ where: { fleetRunId, resultJson: { not: null } }, select: { id: true } })).map((r) => r.id));
  const pub = toPublicFleetRun({ ...f, withResult, runs: f.runs.map((r) => ({ ...r, host: { name: r.host.name, preflightJson: r.host.preflightJson } })) });
  if (pub.status === 'running') {
    if (!opts.force) return null;
    const live = pub.counts.queued + pub.counts.connecting + pub.counts.running;
    throw conflict(`${live} host run(s) are still going: the report is made when the last one ends`);
  }
  if (withResult.size === 0) {
    if (opts.force) throw conflict('no host of this fleet run has a result to report');
    return null;
  }
  const snaps = JSON.parse(f.hostsJson) as HostSnapshot[];
  const runsByHost = new Map<string, typeof f.runs>();
  for (const r of f.runs) runsByHost.set(r.hostId, [...(runsByHost.get(r.hostId) ?? []), r]);
  const hostReports: Array<Omit<Prisma.ReportUncheckedCreateInput, 'items'>> = [];
  const hostItems: Array<{ reportId: string; runIds: string[] }> = [];
  const fleetHosts: FleetJson['hosts'] = [];
  for (const s of snaps) {
    const runs = (runsByHost.get(s.hostId) ?? []).sort((a, b) => catalogIndex(a.toolId) - catalogIndex(b.toolId));
    const host = runs[0]?.host;
    const caps: HostCapabilities | null = host?.preflightJson ? JSON.parse(host.preflightJson) : null;
    const cpuCount = typeof caps?.cpuCount === 'number' ? caps.cpuCount : s.cpuCount;
    fleetHosts.push({ ...s, cpuCount, kernelRelease: caps?.kernelRelease ?? null, bpftraceVersion: caps?.bpftraceVersion ?? null });
    if (!host) continue;
    const own: FleetHostJson = { tags: s.tags, addresses: s.addresses, cpuCount, skipped: s.skipped };
    const reportId = newId();
    hostReports.push({
      id: reportId,
      kind: 'fleet-host',
      title: `${runs.length === 1 ? (getTool(runs[0].toolId)?.title ?? runs[0].toolId) : 'Dashboard'} on ${host.name} (fleet run)`,
      ...hostSnapshot(host),
      requestedBy: f.requestedBy,
      startedAt: new Date(Math.min(...runs.map((r) => (r.startedAt ?? r.createdAt).getTime()))),
      endedAt: new Date(Math.max(...runs.map((r) => r.endedAt?.getTime() ?? 0))),
      durationSec: f.durationSec,
      fleetJson: JSON.stringify(own),
    });
    hostItems.push({ reportId, runIds: runs.map((r) => r.id) });
  }
  const toolIds = JSON.parse(f.toolIdsJson) as string[] | 'dashboard';
  const what = toolIds === 'dashboard' ? 'Dashboard' : toolIds.map((t) => getTool(t)?.title ?? t).join(', ');
  const fleetJson: FleetJson = {
    fleetRunId,
    selector: f.selector,
    toolIds,
    fanout: f.fanout,
    status: pub.status,
    counts: pub.counts,
    hosts: fleetHosts,
  };
  // Raw outputs into the shared store first (a no-op for runs that ended in this process).
  for (const r of f.runs) await moveRunRawToStore(r.id);
  // The fleet report is made under a kind nobody reads (GET says "not found", lists skip it), its host
  // reports written one host at a time (each host's results read, written, let go: a fleet of
  // profiles is never in memory at once), then it becomes kind 'fleet' in one update. The unique
  // fleetRunId makes a second maker stop at the first step.
  const id = newId();
  try {
    await db().report.create({
      data: {
        id,
        kind: PENDING_KIND,
        title: `${what} on ${snaps.length} hosts${f.selector ? ` (${f.selector})` : ''}`,
        hostName: `${snaps.length} hosts`,
        requestedBy: f.requestedBy,
        fleetRunId,
        startedAt: new Date(Math.min(...f.runs.map((r) => (r.startedAt ?? r.createdAt).getTime()))),
        endedAt: pub.endedAt ? new Date(pub.endedAt) : null,
        durationSec: f.durationSec,
        fleetJson: JSON.stringify(fleetJson),
      },
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return createFleetReport(fleetRunId, opts);
  }
  try {
    for (const [k, h] of hostReports.entries()) {
      const items: ItemData[] = [];
      for (const runId of hostItems[k].runIds)
        items.push(await itemFromRun(await db().run.findUniqueOrThrow({ where: { id: runId } }), items.length, DEFAULT_DEPS));
      await db().report.create({ data: { ...h, parentReportId: id, items: { create: items } } });
    }
    await db().report.update({ where: { id }, data: { kind: 'fleet' } });
  } catch (e) {
    await db()
      .report.delete({ where: { id } })
      .catch(() => {});
    throw e;
  }
  return { id, created: true };
}

async function hostReportsOf(reportId: string, toolId?: string) {
  return db().report.findMany({
    where: { parentReportId: reportId },
    select: {
      id: true,
      hostId: true,
      hostName: true,
      fleetJson: true,
      items: {
        where: toolId ? { toolId } : undefined,
        orderBy: { position: 'asc' },
        select: { toolId: true, runId: true, status: true, errorMessage: true, resultJson: true },
      },
    },
  });
}

/** The `fleet` part of GET /api/reports/[id] for a kind 'fleet' report (every host's results inline). */
export async function getFleetReportPart(reportId: string, fleetJsonText: string): Promise<PublicFleetReport> {
  const fj = JSON.parse(fleetJsonText) as FleetJson;
  const children = await hostReportsOf(reportId);
  const byName = new Map(children.map((c) => [c.hostName, c]));
  const results: Record<string, FleetHostResult[]> = {};
  const hosts: FleetReportHost[] = fj.hosts.map((h) => {
    const child = byName.get(h.hostName);
    for (const it of child?.items ?? []) {
      (results[it.toolId] ??= []).push({
        hostId: h.hostId,
        hostName: h.hostName,
        tags: h.tags,
        addresses: h.addresses,
        cpuCount: h.cpuCount,
        runId: it.runId ?? '',
        status: it.status as FleetHostResult['status'],
        errorMessage: it.errorMessage,
        result: it.resultJson === null ? null : JSON.parse(resultJsonForView(it.resultJson)),
      });
    }
    return {
      reportId: child?.id ?? null,
      hostId: child ? child.hostId : null,
      hostName: h.hostName,
      tags: h.tags,
      address: h.address,
      addresses: h.addresses,
      cpuCount: h.cpuCount,
      kernelRelease: h.kernelRelease,
      bpftraceVersion: h.bpftraceVersion,
      items: (child?.items ?? []).map((it) => ({
        toolId: it.toolId,
        runId: it.runId,
        status: it.status,
        errorMessage: it.errorMessage,
        hasResult: it.resultJson !== null,
      })),
      skipped: h.skipped,
    };
  });
  return { fleetRunId: fj.fleetRunId, selector: fj.selector, toolIds: fj.toolIds, fanout: fj.fanout, status: fj.status, counts: fj.counts, hosts, results };
}

/** GET /api/reports/[id]/fleet-results?toolId=X: one tool's FleetToolResults from the snapshot, as JSON text. */
export async function fleetReportResultsJson(reportId: string, toolId: string, opts: { fullStacks?: boolean } = {}): Promise<string> {
  const r = await db().report.findUnique({ where: { id: reportId }, select: { kind: true, fleetJson: true } });
  if (!r) throw notFound('report');
  if (r.kind !== 'fleet' || !r.fleetJson) throw notFound('fleet report');
  const fj = JSON.parse(r.fleetJson) as FleetJson;
  const byName = new Map((await hostReportsOf(reportId, toolId)).map((c) => [c.hostName, c]));
  const parts: string[] = [];
  for (const h of fj.hosts) {
    const it = byName.get(h.hostName)?.items[0];
    if (!it) continue;
    const head = JSON.stringify({
      hostId: h.hostId,
      hostName: h.hostName,
      tags: h.tags,
      addresses: h.addresses,
      cpuCount: h.cpuCount,
      runId: it.runId ?? '',
      status: it.status,
      errorMessage: it.errorMessage,
    });
    // fullStacks: for the merged exports (lib/fleet/export.ts), made on the server
    const result = it.resultJson === null ? 'null' : opts.fullStacks ? it.resultJson : resultJsonForView(it.resultJson);
    parts.push(`${head.slice(0, -1)},"result":${result}}`);
  }
  return `{"toolId":${JSON.stringify(toolId)},"hosts":[${parts.join(',')}]}`;
}
