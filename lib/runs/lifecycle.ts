/**
 * Server start and stop. On start, runs whose executor is gone are marked failed (in-process: every
 * live run a previous server left, "server restarted"; worker mode: only runs of workers whose lease
 * passed, "worker lost", checked again every few seconds so a killed worker's runs are marked even
 * when no other worker runs). On SIGTERM/SIGINT, runs executing in this process are stopped cleanly
 * (SIGINT on the host: maps printed and stored) before the process exits; in worker mode this
 * process executes none.
 */
import 'server-only';
import { config } from '@/lib/env';
import { workerMode } from '@/lib/runs/backend';
import { failLostRuns, recoverInterruptedRuns, runner } from '@/lib/runs/service';
import { startRetentionJob, stopRetentionJob } from '@/lib/reports/retention-job';

export async function onServerStart(): Promise<void> {
  await recoverInterruptedRuns();
  // raw output retention: now, then hourly (an unref'd timer, cleared on shutdown)
  startRetentionJob();
  const g = globalThis as unknown as { __bpfdeckSignals?: boolean; __bpfdeckReaper?: NodeJS.Timeout };
  if (workerMode() && !g.__bpfdeckReaper) {
    g.__bpfdeckReaper = setInterval(
      () => void failLostRuns().catch((e) => console.warn(`bpfdeck: checking for lost runs: ${(e as Error).message}`)),
      Math.max(1000, Math.floor((config().runLeaseSec * 1000) / 3)),
    );
    g.__bpfdeckReaper.unref();
  }
  if (g.__bpfdeckSignals) return;
  g.__bpfdeckSignals = true;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      stopRetentionJob();
      clearInterval(g.__bpfdeckReaper);
      const n = runner().activeCount();
      if (n) console.warn(`bpfdeck: ${sig}: stopping ${n} active run(s) before exit`);
      void runner()
        .shutdown(20_000)
        .finally(() => process.exit(0));
    });
  }
}
