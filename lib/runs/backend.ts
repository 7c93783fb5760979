/**
 * The one place that chooses the run machinery's implementations (lib/runs/interfaces.ts): in-process
 * (SQLite, or PostgreSQL with BPFDECK_RUN_EXECUTION=inprocess) or the scaled form (PostgreSQL: pg-boss
 * queue executed by `bpfdeck worker`, LISTEN/NOTIFY live bus). Everything else asks here.
 */
import 'server-only';
import { config } from '@/lib/env';
import { runBus } from '@/lib/runs/bus';
import type { LiveBus, RunQueue } from '@/lib/runs/interfaces';
import { PgLiveBus } from '@/lib/runs/pg-bus';
import { PgRunQueue } from '@/lib/runs/pg-queue';
import { Runner } from '@/lib/runs/runner';

const g = globalThis as unknown as { __bpfdeckRunner?: Runner; __bpfdeckPgQueue?: PgRunQueue; __bpfdeckPgBus?: PgLiveBus };

/** runs executed by worker processes (PostgreSQL), not by this one */
export function workerMode(): boolean {
  return config().runExecution === 'worker';
}

/** The in-process runner (in worker mode, `bpfdeck worker` uses its own executor: lib/runs/worker.ts). */
export function runner(): Runner {
  g.__bpfdeckRunner ??= new Runner(config().maxConcurrentRuns);
  return g.__bpfdeckRunner;
}

export function runQueue(): RunQueue {
  if (!workerMode()) return runner();
  g.__bpfdeckPgQueue ??= new PgRunQueue();
  return g.__bpfdeckPgQueue;
}

export function liveBus(): LiveBus {
  if (!workerMode()) return runBus;
  g.__bpfdeckPgBus ??= new PgLiveBus();
  return g.__bpfdeckPgBus;
}
