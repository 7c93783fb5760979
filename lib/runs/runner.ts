/**
 * The in-process runner: a FIFO queue with a global concurrency limit and at most one run of the same
 * tool on the same host at a time (two profiles of one host would sample each other's overhead).
 * Runs of a group (a fleet run) also keep to the group's limit of hosts executing at once.
 * State lives in the database; this object only holds what is executing now and the abort handles.
 */
import 'server-only';
import { executeRun } from '@/lib/runs/execute';
import type { EnqueueOptions, RunQueue } from '@/lib/runs/interfaces';

interface Pending {
  runId: string;
  hostId: string;
  /** host + tool: runs with the same key never overlap */
  lockKey: string;
  groupId: string | null;
}

interface Active {
  lockKey: string;
  hostId: string;
  groupId: string | null;
  abort: AbortController;
  done: Promise<void>;
}

export class Runner implements RunQueue {
  private queue: Pending[] = [];
  private active = new Map<string, Active>();
  /** group id -> hosts at a time; dropped when the group has nothing queued or active */
  private groupLimits = new Map<string, number>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly exec = executeRun,
  ) {}

  enqueue(runId: string, hostId: string, toolId: string, opts: EnqueueOptions = {}): void {
    const groupId = opts.groupId ?? null;
    if (groupId !== null && !this.groupLimits.has(groupId)) this.groupLimits.set(groupId, Math.max(1, opts.groupLimit ?? Number.MAX_SAFE_INTEGER));
    this.queue.push({ runId, hostId, lockKey: `${hostId}\u0000${toolId}`, groupId });
    this.pump();
  }

  /** true if the run was queued or active here (and is now being cancelled) */
  cancel(runId: string): 'dequeued' | 'signalled' | 'unknown' {
    const i = this.queue.findIndex((p) => p.runId === runId);
    if (i >= 0) {
      const [p] = this.queue.splice(i, 1);
      this.forgetGroupIfIdle(p.groupId);
      return 'dequeued';
    }
    const a = this.active.get(runId);
    if (a) {
      a.abort.abort();
      return 'signalled';
    }
    return 'unknown';
  }

  isQueued(runId: string): boolean {
    return this.queue.some((p) => p.runId === runId);
  }

  activeCount(): number {
    return this.active.size;
  }

  /** distinct hosts of a group executing now (tests and the fleet page's "N at a time") */
  activeHostsOf(groupId: string): number {
    return new Set([...this.active.values()].filter((a) => a.groupId === groupId).map((a) => a.hostId)).size;
  }

  /** Ask every active run to stop (SIGINT on the host, maps printed and stored) and wait up to timeoutMs. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.queue = [];
    const all = [...this.active.values()];
    for (const a of all) a.abort.abort();
    await Promise.race([Promise.allSettled(all.map((a) => a.done)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private forgetGroupIfIdle(groupId: string | null): void {
    if (groupId === null) return;
    if (this.queue.some((p) => p.groupId === groupId) || [...this.active.values()].some((a) => a.groupId === groupId)) return;
    this.groupLimits.delete(groupId);
  }

  /** may `p` start now, given who executes: its host+tool is free and its group has room for its host */
  private canStart(p: Pending, busy: Set<string>, groupHosts: Map<string, Set<string>>): boolean {
    if (busy.has(p.lockKey)) return false;
    if (p.groupId === null) return true;
    const hosts = groupHosts.get(p.groupId);
    if (!hosts || hosts.has(p.hostId)) return true;
    return hosts.size < (this.groupLimits.get(p.groupId) ?? Number.MAX_SAFE_INTEGER);
  }

  private pump(): void {
    while (this.active.size < this.maxConcurrent) {
      const busy = new Set<string>();
      const groupHosts = new Map<string, Set<string>>();
      for (const a of this.active.values()) {
        busy.add(a.lockKey);
        if (a.groupId !== null) {
          const s = groupHosts.get(a.groupId) ?? new Set<string>();
          s.add(a.hostId);
          groupHosts.set(a.groupId, s);
        }
      }
      const i = this.queue.findIndex((p) => this.canStart(p, busy, groupHosts));
      if (i < 0) return;
      const [next] = this.queue.splice(i, 1);
      const abort = new AbortController();
      const done = this.exec(next.runId, abort.signal)
        .catch((e) => console.error(`bpfdeck: run ${next.runId} crashed the runner`, e))
        .finally(() => {
          this.active.delete(next.runId);
          this.forgetGroupIfIdle(next.groupId);
          this.pump();
        });
      this.active.set(next.runId, { lockKey: next.lockKey, hostId: next.hostId, groupId: next.groupId, abort, done });
    }
  }
}
