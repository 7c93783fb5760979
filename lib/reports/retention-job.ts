/**
 * The owner of the retention timer: runs expireRawOutputs at server start and every hour. The timer is
 * unref'd (it never keeps the process alive) and cleared by stopRetentionJob (server shutdown).
 */
import 'server-only';
import { recordAudit } from '@/lib/audit/record';
import { expireRawOutputs } from '@/lib/reports/retention';

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

const g = globalThis as unknown as { __bpfdeckRetentionTimer?: NodeJS.Timeout };

async function runOnce(): Promise<void> {
  try {
    const r = await expireRawOutputs();
    if (r.rawOutputs || r.runs) {
      await recordAudit({
        action: 'data.delete',
        outcome: 'ok',
        actor: 'retention',
        via: 'system',
        target: 'raw-output',
        details: { retentionDays: r.days, cutoff: r.cutoff, reportRawOutputs: r.rawOutputs, runRawOutputs: r.runs },
      });
    }
    if (r.rawOutputs || r.runs || r.orphans) {
      console.log(
        `bpfdeck: retention (${r.days} days): deleted the raw output of ${r.rawOutputs} report item(s) and ${r.runs} run(s) captured before ${r.cutoff}; removed ${r.orphans} unreferenced raw output(s)`,
      );
    }
  } catch (e) {
    console.error('bpfdeck: retention job failed', e);
  }
}

export function startRetentionJob(intervalMs = RETENTION_INTERVAL_MS): void {
  if (g.__bpfdeckRetentionTimer) return;
  void runOnce();
  g.__bpfdeckRetentionTimer = setInterval(() => void runOnce(), intervalMs);
  g.__bpfdeckRetentionTimer.unref();
}

export function stopRetentionJob(): void {
  if (g.__bpfdeckRetentionTimer) clearInterval(g.__bpfdeckRetentionTimer);
  g.__bpfdeckRetentionTimer = undefined;
}
