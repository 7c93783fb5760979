/**
 * The two seams of the run machinery (issue 10). Routes and pages talk to lib/runs/service, which
 * talks to a RunQueue and a LiveBus; the in-process implementations (lib/runs/runner.ts, bus.ts) are
 * the SQLite default. A PostgreSQL implementation (durable queue on pg-boss, LISTEN/NOTIFY bus with
 * partial results in a table) goes behind the same two interfaces.
 */
import type { LiveEvent } from '@/lib/runs/types';
import type { LiveState } from '@/lib/runs/bus';

export interface RunQueue {
  /** queue a run that is in the database as `queued`; at most one run per host+tool executes at once */
  enqueue(runId: string, hostId: string, toolId: string): void;
  /** dequeued (never started), signalled (executing: SIGINT on the host, maps kept), or unknown here */
  cancel(runId: string): 'dequeued' | 'signalled' | 'unknown';
  /** stop taking runs, ask the executing ones to stop with their maps kept, wait up to timeoutMs */
  shutdown(timeoutMs: number): Promise<void>;
}

export interface LiveBus {
  /** publish on the run's channel and on its host's; order is kept per run */
  publish(ref: { id: string; hostId: string }, ev: LiveEvent): void;
  /** the current state, for a subscriber that arrives mid-run */
  state(runId: string): LiveState | undefined;
  subscribe(runId: string, fn: (ev: LiveEvent) => void): () => void;
  hostStates(hostId: string): Array<[runId: string, state: LiveState]>;
  subscribeHost(hostId: string, fn: (runId: string, ev: LiveEvent) => void): () => void;
}
