/**
 * The two seams of the run machinery (issue 10). Routes and pages talk to lib/runs/service, which
 * talks to a RunQueue and a LiveBus; the in-process implementations (lib/runs/runner.ts, bus.ts) are
 * the SQLite default. A PostgreSQL implementation (durable queue on pg-boss, LISTEN/NOTIFY bus with
 * partial results in a table) goes behind the same two interfaces.
 */
import type { LiveEvent } from '@/lib/runs/types';
import type { LiveState } from '@/lib/runs/bus';

export interface EnqueueOptions {
  groupId?: string;
  /** hosts of the group executing at once (at least 1) */
  groupLimit?: number;
}

export interface RunQueue {
  /**
   * Queue a run that is in the database as `queued`; at most one run per host+tool executes at once.
   * `groupId` + `groupLimit` (a fleet run: lib/fleet): at most `groupLimit` distinct HOSTS of the group
   * have runs executing at once (a host's second tool of the same group joins its first without taking
   * another slot: a dashboard's tools on one host start together). A queued run waits without any
   * timer: its connect timeout starts only when it starts executing. The limit is the one given with
   * the group's first run. May resolve after the run is queued (a durable queue writes first).
   */
  enqueue(runId: string, hostId: string, toolId: string, opts?: EnqueueOptions): void | Promise<void>;
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
