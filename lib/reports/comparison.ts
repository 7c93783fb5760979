/** Loads the two sides of a comparison (same tool, two reports) and compares them (lib/reports/compare). */
import 'server-only';
import { db } from '@/lib/db/client';
import { invalid, notFound } from '@/lib/errors';
import type { LatencyHeatmapResult, ProfileResult } from '@/lib/tools/types';
import { RESULT_KINDS } from '@/lib/results/registry';
import { compareLatency, compareProfiles, type LatencyComparison, type ProfileComparison } from '@/lib/reports/compare';

export interface ComparisonSide {
  reportId: string;
  title: string;
  hostName: string;
  startedAt: string | null;
  createdAt: string;
  durationSec: number;
  toolTitle: string;
  viz: string;
}

export type Comparison =
  | { toolId: string; a: ComparisonSide; b: ComparisonSide; kind: 'profile'; profile: ProfileComparison }
  | {
      toolId: string;
      a: ComparisonSide;
      b: ComparisonSide;
      kind: 'latency';
      latency: LatencyComparison;
      resultA: LatencyHeatmapResult;
      resultB: LatencyHeatmapResult;
    };

/** Tools whose results can be compared, and how. */
export const COMPARABLE_VIZ: Record<string, 'profile' | 'latency'> = Object.fromEntries(
  RESULT_KINDS.flatMap((k) => (k.compare ? [[k.viz, k.compare] as const] : [])),
);

async function side(reportId: string, toolId: string): Promise<{ side: ComparisonSide; result: unknown }> {
  const it = await db().reportItem.findUnique({
    where: { reportId_toolId: { reportId, toolId } },
    select: {
      toolTitle: true,
      viz: true,
      resultJson: true,
      report: { select: { id: true, title: true, hostName: true, startedAt: true, createdAt: true, durationSec: true } },
    },
  });
  if (!it) throw notFound(`${toolId} in report ${reportId}`);
  if (!it.resultJson) throw invalid(`${toolId} in report ${reportId} has no result to compare`);
  const r = it.report;
  return {
    side: {
      reportId: r.id,
      title: r.title,
      hostName: r.hostName,
      startedAt: r.startedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      durationSec: r.durationSec,
      toolTitle: it.toolTitle,
      viz: it.viz,
    },
    result: JSON.parse(it.resultJson),
  };
}

export async function loadComparison(aId: string, bId: string, toolId: string): Promise<Comparison> {
  const [a, b] = await Promise.all([side(aId, toolId), side(bId, toolId)]);
  const how = COMPARABLE_VIZ[a.side.viz];
  if (!how) throw invalid(`${a.side.toolTitle} results cannot be compared yet (only flame graphs and latency heat maps)`);
  if (how === 'profile') {
    return { toolId, a: a.side, b: b.side, kind: 'profile', profile: compareProfiles(a.result as ProfileResult, b.result as ProfileResult) };
  }
  const ra = a.result as LatencyHeatmapResult;
  const rb = b.result as LatencyHeatmapResult;
  return { toolId, a: a.side, b: b.side, kind: 'latency', latency: compareLatency(ra, rb), resultA: ra, resultB: rb };
}
