/**
 * The two seams of the run machinery (issue 10). Routes and pages talk to lib/runs/service, which
 * talks to a RunQueue and a LiveBus, chosen in one place (lib/runs/backend.ts): the in-process
 * implementations (lib/runs/runner.ts, bus.ts) on SQLite, the PostgreSQL ones (durable queue on
 * pg-boss executed by `bpfdeck worker` processes: lib/runs/pg-queue.ts, worker.ts; LISTEN/NOTIFY bus
 * with the live state in a table: lib/runs/pg-bus.ts) in the scaled form. Both kinds of methods may
 * answer at once or with a promise: callers await them.
 */
import type { LiveEvent } from '@/lib/runs/types';
import type { LiveState } from '@/lib/runs/bus';

export interface EnqueueOptions {
  /** a fleet run's id: the runs of one group execute at most `groupLimit` at once (fan-out) */
  groupId?: string;
  /** default 32 */
  groupLimit?: number;
}

export type CancelResult = 'dequeued' | 'signalled' | 'unknown';

export interface RunQueue {
  /** queue a run that is in the database as `queued`; at most one run per host+tool executes at once */
  enqueue(runId: string, hostId: string, toolId: string, opts?: EnqueueOptions): Promise<void> | void;
  /** dequeued (never started), signalled (executing: SIGINT on the host, maps kept), or unknown here */
  cancel(runId: string): Promise<CancelResult> | CancelResult;
  /** stop taking runs, ask the executing ones to stop with their maps kept, wait up to timeoutMs */
  shutdown(timeoutMs: number): Promise<void>;
}

export interface LiveBus {
  /** publish on the run's channel and on its host's; order is kept per run (resolves once published) */
  publish(ref: { id: string; hostId: string }, ev: LiveEvent): Promise<void> | void;
  /** the current state, for a subscriber that arrives mid-run */
  state(runId: string): Promise<LiveState | undefined> | LiveState | undefined;
  subscribe(runId: string, fn: (ev: LiveEvent) => void): () => void;
  hostStates(hostId: string): Promise<Array<[runId: string, state: LiveState]>> | Array<[runId: string, state: LiveState]>;
  subscribeHost(hostId: string, fn: (runId: string, ev: LiveEvent) => void): () => void;
}
