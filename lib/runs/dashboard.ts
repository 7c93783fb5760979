/**
 * "Run the dashboard": every catalog tool that can run on the host, started together so all views
 * describe the same window of time (staggering them would show ten different minutes). The cost of
 * that choice is measured on each run (Run.hostCpuSec: bpftrace's CPU seconds on the host) and shown.
 * Tools that cannot run on the host are not started; the response says why for each.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { newId } from '@/lib/ids';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { chooseVariant, listTools } from '@/lib/tools/catalog';
import { getHostRow } from '@/lib/hosts/service';
import { startRun } from '@/lib/runs/service';
import type { PublicRun } from '@/lib/runs/types';

export interface DashboardStart {
  dashboardId: string;
  runs: PublicRun[];
  skipped: Array<{ toolId: string; reason: string }>;
}

export async function startDashboard(hostId: string, durationSec: number, requestedBy: string): Promise<DashboardStart> {
  const host = await getHostRow(hostId);
  if (!host.hostKeyBlob) throw new AppError('host_key_unknown', `the host key of ${host.name} is not pinned yet: check and accept its fingerprint first`);
  const caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
  const dash = await db().dashboardRun.create({ data: { id: newId(), hostId, durationSec, requestedBy } });
  const runs: PublicRun[] = [];
  const skipped: DashboardStart['skipped'] = [];
  for (const tool of listTools()) {
    const choice = caps ? chooseVariant(tool, caps) : null;
    if (choice && !choice.ok) {
      skipped.push({ toolId: tool.id, reason: choice.reason });
      continue;
    }
    // Each tool keeps to its own limits (profile and runqlat: at most 60 s).
    const d = Math.min(tool.maxDurationSec, Math.max(tool.minDurationSec, durationSec));
    try {
      runs.push(await startRun({ hostId, toolId: tool.id, durationSec: d }, requestedBy, { dashboardId: dash.id }));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      skipped.push({ toolId: tool.id, reason: e.message });
    }
  }
  return { dashboardId: dash.id, runs, skipped };
}
