/**
 * Reading reports: the permalink view (metadata, per-tool items), an item's result, its raw output.
 * Reports are immutable: nothing here writes.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { AppError, notFound } from '@/lib/errors';
import { formatsFor } from '@/lib/export/formats';
import { resultJsonForView } from '@/lib/tools/profile/full-stacks';
import { getSetting } from '@/lib/settings';
import { rawExpiresAt } from '@/lib/reports/retention';
import { TERMINAL, type RunStatus } from '@/lib/runs/types';
import { isReportable } from '@/lib/reports/snapshot';
import { getFleetReportPart, PENDING_KIND } from '@/lib/fleet/report';

/** how long after a reportable run ended its report may still be in the making (moving a large raw output) */
const REPORT_GRACE_MS = 60_000;
import type { PublicReport, PublicReportItem, RawOutputStatus, ReportKind, RunReportLink } from '@/lib/reports/types';

const iso = (d: Date | null) => d?.toISOString() ?? null;

const RAW_SELECT = { id: true, sha256: true, bytes: true, gzBytes: true, truncated: true, createdAt: true, expiredAt: true } as const;

function rawStatus(
  raw: { sha256: string; bytes: number; gzBytes: number; truncated: boolean; createdAt: Date; expiredAt: Date | null } | null,
  retentionDays: number,
): RawOutputStatus | null {
  if (!raw) return null;
  const expires = rawExpiresAt(raw.createdAt, retentionDays);
  return {
    bytes: raw.bytes,
    gzBytes: raw.gzBytes,
    sha256: raw.sha256,
    truncated: raw.truncated,
    available: raw.expiredAt === null,
    // once expired, the date it happened; before, the date it will under today's setting
    expiresAt: raw.expiredAt ? raw.expiredAt.toISOString() : iso(expires),
    expiredAt: iso(raw.expiredAt),
  };
}

export async function getReport(id: string): Promise<PublicReport> {
  const r = await db().report.findUnique({
    where: { id },
    include: {
      items: {
        orderBy: { position: 'asc' },
        // everything but the result body (up to megabytes; fetched per item)
        omit: { resultJson: true },
        include: { rawOutput: { select: RAW_SELECT } },
      },
    },
  });
  if (!r || r.kind === PENDING_KIND) throw notFound('report');
  const withResult = new Set(
    (await db().reportItem.findMany({ where: { reportId: id, resultJson: { not: null } }, select: { toolId: true } })).map((x) => x.toolId),
  );
  const retentionDays = await getSetting('retention.rawOutputDays');
  const items: PublicReportItem[] = r.items.map((it) => {
    const raw = rawStatus(it.rawOutput, retentionDays);
    const hasResult = withResult.has(it.toolId);
    return {
      toolId: it.toolId,
      toolTitle: it.toolTitle,
      viz: it.viz,
      variantId: it.variantId,
      scriptFile: it.scriptFile,
      scriptText: it.scriptText,
      scriptSha256: it.scriptSha256,
      runId: it.runId,
      status: it.status,
      requestedBy: it.requestedBy,
      durationSec: it.durationSec,
      startedAt: iso(it.startedAt),
      endedAt: iso(it.endedAt),
      exitCode: it.exitCode,
      errorMessage: it.errorMessage,
      stderrTail: it.stderrTail,
      recordCount: it.recordCount,
      lostEvents: it.lostEvents,
      hostCpuSec: it.hostCpuSec,
      rawOutputBytes: it.rawOutputBytes,
      rawTruncated: it.rawTruncated,
      raw,
      hasResult,
      exports: formatsFor(it.viz, { hasResult, rawAvailable: !!raw?.available }),
    };
  });
  return {
    id: r.id,
    kind: r.kind as ReportKind,
    title: r.title,
    hostId: r.hostId,
    hostName: r.hostName,
    hostAddress: r.hostAddress,
    hostPort: r.hostPort,
    hostUser: r.hostUser,
    kernelRelease: r.kernelRelease,
    bpftraceVersion: r.bpftraceVersion,
    requestedBy: r.requestedBy,
    runId: r.runId,
    dashboardId: r.dashboardId,
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
    durationSec: r.durationSec,
    createdAt: r.createdAt.toISOString(),
    lostEvents: items.reduce((n, i) => n + i.lostEvents, 0),
    retentionDays,
    items,
    parentReportId: r.parentReportId,
    ...(r.kind === 'fleet' && r.fleetJson ? { fleet: await getFleetReportPart(r.id, r.fleetJson) } : {}),
  };
}

/** An item's stored result as JSON text (not parsed: it is sent as it is), or null without one. */
export async function getReportResultJson(id: string, toolId: string): Promise<string | null> {
  const it = await db().reportItem.findUnique({ where: { reportId_toolId: { reportId: id, toolId } }, select: { resultJson: true } });
  if (!it) throw notFound('tool in this report');
  // the full stacks stay on the server (exports): the view draws the pruned tree
  return it.resultJson === null ? null : resultJsonForView(it.resultJson);
}

export interface ReportItemSource {
  report: { id: string; title: string; hostName: string; startedAt: Date | null; createdAt: Date };
  toolId: string;
  toolTitle: string;
  viz: string;
  resultJson: string | null;
}

/** What the derived exports (json, csv, folded, svg) of one item need. */
export async function getReportItemSource(id: string, toolId: string): Promise<ReportItemSource> {
  const it = await db().reportItem.findUnique({
    where: { reportId_toolId: { reportId: id, toolId } },
    select: {
      toolId: true,
      toolTitle: true,
      viz: true,
      resultJson: true,
      report: { select: { id: true, title: true, hostName: true, startedAt: true, createdAt: true } },
    },
  });
  if (!it) throw notFound('tool in this report');
  return it;
}

export interface StoredRaw {
  gz: Uint8Array;
  sha256: string;
  bytes: number;
}

/** The stored gzip of an item's raw output; a clear error when there is none or retention deleted it. */
export async function getReportRawGz(id: string, toolId: string): Promise<StoredRaw> {
  const it = await db().reportItem.findUnique({
    where: { reportId_toolId: { reportId: id, toolId } },
    select: { rawOutput: { select: { gz: true, sha256: true, bytes: true, expiredAt: true } } },
  });
  if (!it) throw notFound('tool in this report');
  const raw = it.rawOutput;
  if (!raw) throw notFound('raw output of this tool');
  if (!raw.gz) {
    throw new AppError('not_found', `the raw output expired on ${raw.expiredAt?.toISOString() ?? '?'} (retention setting); the parsed result is still here`);
  }
  return { gz: raw.gz, sha256: raw.sha256, bytes: raw.bytes };
}

/** The report a run ended up in (its own, or its dashboard run's). */
export async function findReportForRun(runId: string): Promise<RunReportLink> {
  const run = await db().run.findUnique({
    where: { id: runId },
    select: { status: true, dashboardId: true, fleetRunId: true, resultJson: true, endedAt: true },
  });
  if (!run) throw notFound('run');
  if (run.fleetRunId) {
    // one host's part of a fleet run: the fleet report holds it
    const fleet = await db().report.findUnique({ where: { fleetRunId: run.fleetRunId }, select: { id: true, kind: true, title: true } });
    if (fleet?.kind === PENDING_KIND) return { report: null, pending: true };
    if (fleet) return { report: { ...fleet, kind: fleet.kind as ReportKind }, pending: false };
    const live = await db().run.count({ where: { fleetRunId: run.fleetRunId, status: { in: ['queued', 'connecting', 'running'] } } });
    const justEnded = run.endedAt !== null && Date.now() - run.endedAt.getTime() < REPORT_GRACE_MS;
    return { report: null, pending: live > 0 || justEnded };
  }
  const own = await db().report.findUnique({ where: { runId }, select: { id: true, kind: true, title: true } });
  const dash = run.dashboardId
    ? await db().report.findUnique({ where: { dashboardId: run.dashboardId }, select: { id: true, kind: true, title: true } })
    : null;
  const found = dash ?? own;
  if (found) return { report: { ...found, kind: found.kind as ReportKind }, pending: false };
  let pending = !TERMINAL.has(run.status as RunStatus);
  // Ended a moment ago: its report is being made (after the status is stored, before "done" is sent).
  if (!pending && !run.dashboardId && isReportable(run) && run.endedAt && Date.now() - run.endedAt.getTime() < REPORT_GRACE_MS) pending = true;
  if (!pending && run.dashboardId) {
    pending = (await db().run.count({ where: { dashboardId: run.dashboardId, status: { in: ['queued', 'connecting', 'running'] } } })) > 0;
  }
  return { report: null, pending };
}

/** For each of these runs that a report took: the report's id (a dashboard report over the run's own). */
export async function reportIdsForRuns(runIds: string[]): Promise<Record<string, string>> {
  if (runIds.length === 0) return {};
  const items = await db().reportItem.findMany({
    where: { runId: { in: runIds } },
    select: { runId: true, report: { select: { id: true, kind: true } } },
  });
  const out: Record<string, string> = {};
  for (const it of items) {
    if (!it.runId) continue;
    if (!out[it.runId] || it.report.kind === 'dashboard') out[it.runId] = it.report.id;
  }
  return out;
}
