/**
 * Server start and stop. On start, runs that a previous process left in a live state are marked failed
 * ("server restarted"). On SIGTERM/SIGINT, active runs are stopped cleanly (SIGINT on the host: maps
 * printed and stored) before the process exits.
 */
import 'server-only';
import { recoverInterruptedRuns, runner } from '@/lib/runs/service';
import { startRetentionJob, stopRetentionJob } from '@/lib/reports/retention-job';

export async function onServerStart(): Promise<void> {
  await recoverInterruptedRuns();
  // raw output retention: now, then hourly (an unref'd timer, cleared on shutdown)
  startRetentionJob();
  const g = globalThis as unknown as { __bpfdeckSignals?: boolean };
  if (g.__bpfdeckSignals) return;
  g.__bpfdeckSignals = true;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      stopRetentionJob();
      const n = runner().activeCount();
      if (n) console.warn(`bpfdeck: ${sig}: stopping ${n} active run(s) before exit`);
      void runner()
        .shutdown(20_000)
        .finally(() => process.exit(0));
    });
  }
}
