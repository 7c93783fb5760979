import 'server-only';
import type { Run } from '@/lib/db/client';
import type { PublicRun, RunStatus } from '@/lib/runs/types';
import { runViz } from '@/lib/runs/sources/kinds';

/** What APIs return about a run: everything but the raw bytes and the result body. */
export function toPublicRun(r: Run & { host?: { name: string } }): PublicRun {
  return {
    id: r.id,
    hostId: r.hostId,
    hostName: r.host?.name ?? '',
    toolId: r.toolId,
    variantId: r.variantId,
    scriptSha256: r.scriptSha256,
    durationSec: r.durationSec,
    params: r.paramsJson ? (JSON.parse(r.paramsJson) as Record<string, number>) : null,
    status: r.status as RunStatus,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
    exitCode: r.exitCode,
    errorMessage: r.errorMessage,
    stderrTail: r.stderrTail,
    cancelRequested: r.cancelRequested,
    rawOutputBytes: r.rawOutputBytes,
    rawTruncated: r.rawTruncated,
    redactedWith: r.redactedWith ? (JSON.parse(r.redactedWith) as string[]) : null,
    recordCount: r.recordCount,
    lostEvents: r.lostEvents,
    hasResult: r.resultJson !== null,
    hostCpuSec: r.hostCpuSec,
    dashboardId: r.dashboardId,
    scriptSource: r.scriptSource,
    scriptPath: r.scriptPath,
    bpftraceVersion: r.bpftraceVersion,
    scriptFixes: r.scriptPatchJson ? (JSON.parse(r.scriptPatchJson) as PublicRun['scriptFixes']) : [],
    viz: runViz(r),
  };
}
