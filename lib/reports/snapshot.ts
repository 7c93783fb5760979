/**
 * Report creation: an immutable snapshot of a finished run, or of a whole dashboard run, taken when it
 * ends (lib/runs/execute.ts `finish` calls afterRunFinished before it announces "done", so a page that
 * sees a run end finds its report).
 *
 *  - a run on its own: a report when it completed, or was cancelled with a result (what bpftrace
 *    printed when stopped); failed runs keep their error on the run page only.
 *  - the runs of "Run the dashboard": one report for all of them, made when the last one ends.
 *
 * What "immutable" means here: everything the report shows is copied into it when it is made (host
 * name and address, kernel and bpftrace version from the host's capabilities, each tool's title,
 * visualization, script text and sha256, the parsed result), so later changes to hosts, tools, scripts
 * or parsers do not change it, and deleting the host or the run leaves it readable. The raw output is
 * the one thing not copied: it moves from the run into the write-once RawOutput store, shared by the
 * run and its reports (lib/reports/raw-store.ts).
 */
import 'server-only';
import { db, type Host, type Run } from '@/lib/db/client';
import type { Prisma } from '@/lib/db/generated/client';
import { conflict, notFound } from '@/lib/errors';
import { newId } from '@/lib/ids';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { getTool, listTools, loadScript, type LoadedScript, type ToolDef, type ToolParamValues, type ToolVariant } from '@/lib/tools/catalog';
import { TERMINAL, type RunStatus } from '@/lib/runs/types';
import { moveRunRawToStore } from '@/lib/reports/raw-store';
import { runTitle, runViz } from '@/lib/runs/sources/kinds';
import { createHash } from 'node:crypto';

export interface SnapshotDeps {
  /** reads a catalog script rendered with the run's parameters (tests inject a changed one) */
  loadScript: (variant: ToolVariant, tool: ToolDef, params: ToolParamValues | undefined) => LoadedScript;
}

export const DEFAULT_DEPS: SnapshotDeps = { loadScript: (variant, tool, params) => loadScript(variant, tool, params) };

export type ItemData = Omit<Prisma.ReportItemCreateManyInput, 'reportId'>;

export function hostSnapshot(host: Host) {
  const caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
  return {
    hostId: host.id,
    hostName: host.name,
    hostAddress: host.address,
    hostPort: host.port,
    hostUser: host.username,
    kernelRelease: caps?.kernelRelease ?? null,
    bpftraceVersion: caps?.bpftraceVersion ?? null,
    capabilitiesJson: host.preflightJson,
  };
}

/**
 * The script text of a run, only ever one whose sha256 is the one the run recorded (the text it
 * pushed): today's catalog file rendered with the run's stored parameters, if that still has the
 * sha256; else null, and the report keeps the sha256 and says the text is not known.
 */
export function scriptSnapshot(
  run: {
    toolId: string;
    variantId: string;
    scriptSha256: string;
    paramsJson?: string | null;
    scriptSource?: string;
    scriptPath?: string | null;
    scriptText?: string | null;
  },
  deps: SnapshotDeps,
): { scriptFile: string | null; scriptText: string | null } {
  // a script that is not a catalog file was stored with the run, as it ran (lib/runs/script.ts)
  if (run.scriptSource !== undefined && run.scriptSource !== 'catalog') {
    const ok = run.scriptText != null && createHash('sha256').update(run.scriptText).digest('hex') === run.scriptSha256;
    return { scriptFile: run.scriptPath ?? null, scriptText: ok ? run.scriptText! : null };
  }
  const tool = getTool(run.toolId);
  const variant = tool?.variants.find((v) => v.id === run.variantId);
  if (!tool || !variant) return { scriptFile: null, scriptText: null };
  try {
    const params = run.paramsJson ? (JSON.parse(run.paramsJson) as ToolParamValues) : undefined;
    const s = deps.loadScript(variant, tool, params);
    return { scriptFile: variant.file, scriptText: s.sha256 === run.scriptSha256 ? s.text : null };
  } catch {
    return { scriptFile: variant.file, scriptText: null };
  }
}

export async function itemFromRun(run: Run, position: number, deps: SnapshotDeps): Promise<ItemData> {
  const rawOutputId = await moveRunRawToStore(run.id);
  return {
    id: newId(),
    position,
    runId: run.id,
    toolId: run.toolId,
    toolTitle: runTitle(run),
    viz: runViz(run),
    variantId: run.variantId,
    ...scriptSnapshot(run, deps),
    scriptSha256: run.scriptSha256,
    status: run.status,
    requestedBy: run.requestedBy,
    durationSec: run.durationSec,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    exitCode: run.exitCode,
    errorMessage: run.errorMessage,
    stderrTail: run.stderrTail,
    recordCount: run.recordCount,
    lostEvents: run.lostEvents,
    hostCpuSec: run.hostCpuSec,
    rawOutputBytes: run.rawOutputBytes,
    rawTruncated: run.rawTruncated,
    rawOutputId,
    resultJson: run.resultJson,
  };
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'P2002';
}

/** A run on its own deserves a report when it completed, or was cancelled after printing a result. */
export function isReportable(run: Pick<Run, 'status' | 'resultJson'>): boolean {
  return run.status === 'completed' || (run.status === 'cancelled' && run.resultJson !== null);
}

/**
 * The report of one run (created once; later calls return the same id). Without `force`, only for a
 * reportable run that is not part of a dashboard run (that one gets the dashboard's report); with it,
 * for any finished run that has a result.
 */
export async function createRunReport(runId: string, opts: { force?: boolean; deps?: SnapshotDeps } = {}): Promise<string | null> {
  const existing = await db().report.findUnique({ where: { runId }, select: { id: true } });
  if (existing) return existing.id;
  const run = await db().run.findUnique({ where: { id: runId }, include: { host: true } });
  if (!run) throw notFound('run');
  if (!TERMINAL.has(run.status as RunStatus)) {
    if (opts.force) throw conflict(`the run is still ${run.status}: a report is made when it ends`);
    return null;
  }
  if (opts.force ? run.resultJson === null : !isReportable(run) || run.dashboardId !== null) {
    if (opts.force) throw conflict('this run has no result to report');
    return null;
  }
  const item = await itemFromRun(run, 0, opts.deps ?? DEFAULT_DEPS);
  const id = newId();
  try {
    await db().report.create({
      data: {
        id,
        kind: 'run',
        title: `${item.toolTitle} on ${run.host.name}`,
        ...hostSnapshot(run.host),
        requestedBy: run.requestedBy,
        runId: run.id,
        startedAt: run.startedAt ?? run.createdAt,
        endedAt: run.endedAt,
        durationSec: run.durationSec,
        items: { create: [item] },
      },
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const other = await db().report.findUnique({ where: { runId }, select: { id: true } });
    if (other) return other.id;
    throw e;
  }
  return id;
}

/** Catalog order (the dashboard's), unknown tools last. */
function catalogIndex(toolId: string): number {
  const i = listTools().findIndex((t) => t.id === toolId);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/**
 * The report of a dashboard run, once every run of it has ended (else null). One per dashboard run;
 * it holds every tool that was started, failed ones with their error.
 */
export async function createDashboardReport(dashboardId: string, opts: { force?: boolean; deps?: SnapshotDeps } = {}): Promise<string | null> {
  const existing = await db().report.findUnique({ where: { dashboardId }, select: { id: true } });
  if (existing) return existing.id;
  const dash = await db().dashboardRun.findUnique({ where: { id: dashboardId }, include: { host: true, runs: true } });
  if (!dash) throw notFound('dashboard run');
  const pending = dash.runs.filter((r) => !TERMINAL.has(r.status as RunStatus));
  if (pending.length > 0) {
    if (opts.force) throw conflict(`${pending.length} run(s) of this dashboard are still going: the report is made when the last one ends`);
    return null;
  }
  if (!dash.runs.some((r) => r.resultJson !== null)) {
    if (opts.force) throw conflict('no run of this dashboard has a result to report');
    return null;
  }
  const runs = [...dash.runs].sort((a, b) => catalogIndex(a.toolId) - catalogIndex(b.toolId) || a.createdAt.getTime() - b.createdAt.getTime());
  const deps = opts.deps ?? DEFAULT_DEPS;
  const items: ItemData[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.toolId)) continue; // one item per tool (a dashboard starts each tool once)
    seen.add(r.toolId);
    items.push(await itemFromRun(r, items.length, deps));
  }
  const started = runs.map((r) => (r.startedAt ?? r.createdAt).getTime());
  const ended = runs.map((r) => r.endedAt?.getTime() ?? 0);
  const id = newId();
  try {
    await db().report.create({
      data: {
        id,
        kind: 'dashboard',
        title: `Dashboard on ${dash.host.name}`,
        ...hostSnapshot(dash.host),
        requestedBy: dash.requestedBy,
        dashboardId: dash.id,
        startedAt: new Date(Math.min(...started)),
        endedAt: new Date(Math.max(...ended)),
        durationSec: dash.durationSec,
        items: { create: items },
      },
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const other = await db().report.findUnique({ where: { dashboardId }, select: { id: true } });
    if (other) return other.id;
    throw e;
  }
  return id;
}

/**
 * Called by the runner when a run reaches a terminal status, before "done" is announced. Never
 * throws into the run: a report that cannot be made is logged (the run itself is stored already).
 */
export async function afterRunFinished(runId: string): Promise<void> {
  try {
    const run = await db().run.findUnique({ where: { id: runId }, select: { status: true, dashboardId: true, fleetRunId: true } });
    if (!run) return;
    if (run.fleetRunId) {
      // One host's part of a fleet run: its report is the fleet report, made when the last host's run ends.
      // Made after this run's "done" goes out: the fleet report copies every host's results, which the
      // last host's end need not wait for (GET /api/runs/<id>/report says "pending" meanwhile).
      await moveRunRawToStore(runId);
      const fleetRunId = run.fleetRunId;
      setImmediate(() => void import('@/lib/fleet/service').then((m) => m.maybeMakeFleetReport(fleetRunId)));
    } else if (run.dashboardId) {
      // Move now: the dashboard's report, made when its last run ends, finds it in the store.
      await moveRunRawToStore(runId);
      await createDashboardReport(run.dashboardId);
    } else {
      // whether there is a result, without reading its text (a profile's is megabytes)
      const withResult = await db().run.count({ where: { id: runId, resultJson: { not: null } } });
      if (isReportable({ status: run.status, resultJson: withResult ? '' : null })) await createRunReport(runId);
    }
  } catch (e) {
    console.error(`bpfdeck: no report for run ${runId}`, e);
  }
}
