/**
 * `bpfdeck run --hosts <selector> --tool <id|dashboard>`: a fleet run through lib/fleet/service, exactly
 * as POST /api/fleet-runs starts one (recorded in the server's database), executed by this process's
 * runner with the fleet's fan-out. A line on stderr whenever a host's run changes state, then one table
 * line per host and tool on stdout. Ctrl-C (or SIGTERM) cancels every host (maps kept, as for one host).
 */
import os from 'node:os';
import { config } from '@/lib/env';
import { safeText } from '@/lib/cli/text';
import type { FleetHost, PublicFleetRun } from '@/lib/fleet/types';

export class FleetRunError extends Error {}

export interface FleetRunOutcome {
  fleetRun: PublicFleetRun;
  /** the final table, one line per host and tool (skipped tools included) */
  table: string;
  /** any host's run failed or was cancelled */
  anyFailed: boolean;
}

function hostLine(h: FleetHost, r: FleetHost['runs'][number]): string {
  const detail = r.status === 'completed' ? `${r.recordCount} records, ${r.lostEvents} lost` : (r.errorMessage ?? '');
  return `${h.hostName} ${r.toolId}: ${r.status}${r.status === 'running' ? ` (variant ${r.variantId})` : ''}${detail ? `: ${safeText(detail)}` : ''}`;
}

/** Columns padded to their widest cell; host text is escaped (control characters shown as \xNN). */
export function fleetTable(f: PublicFleetRun): string {
  const rows: string[][] = [['HOST', 'TOOL', 'STATUS', 'VARIANT', 'RECORDS', 'LOST', 'DETAIL']];
  for (const h of f.hosts) {
    for (const r of h.runs) {
      rows.push([
        h.hostName,
        r.toolId,
        r.status,
        r.variantId,
        String(r.recordCount),
        String(r.lostEvents),
        safeText(r.errorMessage ?? (r.status === 'completed' ? '' : '-')) || '-',
      ]);
    }
    for (const s of h.skipped) rows.push([h.hostName, s.toolId, 'skipped', '-', '-', '-', safeText(s.reason)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
  const c = f.counts;
  lines.push(
    `fleet run ${f.id} ${f.status}: ${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled, ${c.skipped} skipped, on ${f.hosts.length} hosts (fan-out ${f.fanout})`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runOnFleet(
  selector: string,
  toolIds: string[] | 'dashboard',
  durationSec: number,
  progress: (line: string) => void,
): Promise<FleetRunOutcome> {
  const { startFleetRun, waitForFleetRun, cancelFleetRun } = await import('@/lib/fleet/service');
  const { runner, skipInterruptedRunRecovery } = await import('@/lib/runs/service');
  const { AppError } = await import('@/lib/errors');
  // The web server may be running runs on this same database: they are not ours to mark interrupted.
  skipInterruptedRunRecovery();
  let f: PublicFleetRun;
  try {
    f = await startFleetRun({ selector, toolIds, durationSec }, `cli:${os.userInfo().username}`);
  } catch (e) {
    if (e instanceof AppError) throw new FleetRunError(e.message);
    throw e;
  }
  const runs = f.hosts.reduce((n, h) => n + h.runs.length, 0);
  progress(
    `fleet run ${f.id}: ${toolIds === 'dashboard' ? 'the dashboard' : toolIds.join(', ')} on ${f.hosts.length} hosts for ${durationSec} s (${runs} runs, ${f.fanout} hosts at a time)`,
  );
  const seen = new Map<string, string>();
  const report = (now: PublicFleetRun) => {
    for (const h of now.hosts) {
      for (const r of h.runs) {
        const line = hostLine(h, r);
        if (seen.get(r.id) === r.status) continue;
        seen.set(r.id, r.status);
        progress(line);
      }
      for (const s of h.skipped) {
        const key = `${h.hostId}\u0000${s.toolId}`;
        if (seen.has(key)) continue;
        seen.set(key, 'skipped');
        progress(`${h.hostName} ${s.toolId}: skipped: ${safeText(s.reason)}`);
      }
    }
  };
  let cancelling = false;
  const onSigint = () => {
    if (cancelling) return;
    cancelling = true;
    progress('cancelling every host: bpftrace prints its maps and stops');
    void cancelFleetRun(f.id).catch(() => {});
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    // every host in turn, fan-out at a time; each may take its duration, the stop grace and connecting
    const waves = Math.ceil(f.hosts.length / Math.max(1, f.fanout));
    const done = await waitForFleetRun(f.id, waves * (durationSec + config().stopGraceSec + 60) * 1000 + 60_000, report);
    report(done);
    const anyFailed = done.hosts.some((h) => h.runs.some((r) => r.status !== 'completed'));
    return { fleetRun: done, table: fleetTable(done), anyFailed };
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await runner().shutdown(5_000);
  }
}
