/**
 * The in-process runner: a FIFO queue with a global concurrency limit and at most one run of the same
 * tool on the same host at a time (two profiles of one host would sample each other's overhead).
 * State lives in the database; this object only holds what is executing now and the abort handles.
 */
import 'server-only';
import { executeRun } from '@/lib/runs/execute';
import type { RunQueue } from '@/lib/runs/interfaces';

interface Pending {
  runId: string;
  /** host + tool: runs with the same key never overlap */
  lockKey: string;
}

export class Runner implements RunQueue {
  private queue: Pending[] = [];
  private active = new Map<string, { lockKey: string; abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly exec = executeRun,
  ) {}

  enqueue(runId: string, hostId: string, toolId: string): void {
    this.queue.push({ runId, lockKey: `${hostId}\u0000${toolId}` });
    this.pump();
  }

  /** true if the run was queued or active here (and is now being cancelled) */
  cancel(runId: string): 'dequeued' | 'signalled' | 'unknown' {
    const i = this.queue.findIndex((p) => p.runId === runId);
    if (i >= 0) {
      this.queue.splice(i, 1);
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

  /** Ask every active run to stop (SIGINT on the host, maps printed and stored) and wait up to timeoutMs. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.queue = [];
    const all = [...this.active.values()];
    for (const a of all) a.abort.abort();
    await Promise.race([Promise.allSettled(all.map((a) => a.done)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private pump(): void {
    while (this.active.size < this.maxConcurrent) {
      const busy = new Set([...this.active.values()].map((a) => a.lockKey));
      const i = this.queue.findIndex((p) => !busy.has(p.lockKey));
      if (i < 0) return;
      const [next] = this.queue.splice(i, 1);
      const abort = new AbortController();
      const done = this.exec(next.runId, abort.signal)
        .catch((e) => console.error(`bpfdeck: run ${next.runId} crashed the runner`, e))
        .finally(() => {
          this.active.delete(next.runId);
          this.pump();
        });
      this.active.set(next.runId, { lockKey: next.lockKey, abort, done });
    }
  }
}
