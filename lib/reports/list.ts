/** Report lists: all reports (newest first), or a host's, filtered by tool and time. */
import 'server-only';
import { db } from '@/lib/db/client';
import type { ListReportsQuery } from '@/lib/reports/schemas';
import type { ReportKind, ReportSummary } from '@/lib/reports/types';

export async function listReports(q: Partial<ListReportsQuery>): Promise<ReportSummary[]> {
  const rows = await db().report.findMany({
    where: {
      hostId: q.hostId,
      // a fleet run's host parts are listed under their fleet report, and on their host's own list
      kind: q.hostId ? { not: 'fleet-pending' } : { notIn: ['fleet-host', 'fleet-pending'] },
      items: q.toolId ? { some: { toolId: q.toolId } } : undefined,
      createdAt: q.from || q.to ? { gte: q.from, lt: q.to } : undefined,
    },
    orderBy: { createdAt: 'desc' },
    take: Math.min(q.limit ?? 100, 500),
    select: {
      id: true,
      kind: true,
      title: true,
      hostId: true,
      hostName: true,
      requestedBy: true,
      startedAt: true,
      createdAt: true,
      durationSec: true,
      items: { select: { toolId: true, status: true }, orderBy: { position: 'asc' } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as ReportKind,
    title: r.title,
    hostId: r.hostId,
    hostName: r.hostName,
    requestedBy: r.requestedBy,
    startedAt: r.startedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    durationSec: r.durationSec,
    tools: r.items,
  }));
}
