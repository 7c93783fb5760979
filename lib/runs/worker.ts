/**
 * `bpfdeck worker`: executes runs from the durable queue (lib/runs/pg-queue.ts). Any number of them,
 * on any machines that reach PostgreSQL and the hosts.
 * - Takes jobs while it has fewer than BPFDECK_WORKER_CONCURRENCY runs; what may start is decided by
 *   the database (claimRun: host+tool free, global and group limits).
 * - Renews the leases of its runs every third of BPFDECK_RUN_LEASE_SEC. Killed (SIGKILL, power), it
 *   renews nothing: any worker or web instance fails its runs ("worker lost") once the lease passes,
 *   and each host stops bpftrace itself when the SSH connection drops (the stdin watchdog).
 * - Cancel: a NOTIFY on bpfdeck_cancel reaches it at once; the cancelRequested flag, polled every
 *   second, covers a NOTIFY lost to a dropped connection. Either way: SIGINT on the host, maps kept.
 * - SIGTERM/SIGINT drain: stop taking jobs, stop the running runs (maps kept and stored), exit.
 * - Queued runs without a job (their web instance died between writing the run and sending the job)
 *   are sent again after a minute (requeueStrandedRuns).
 */
import 'server-only';
import type { Job } from 'pg-boss';
import { config } from '@/lib/env';
import { executeRun } from '@/lib/runs/execute';
import { failLostRuns } from '@/lib/runs/service';
import { pruneLiveRows } from '@/lib/runs/pg-bus';
import {
  boss,
  cancelRequested,
  claimRun,
  newWorkerId,
  releaseClaim,
  renewLeases,
  requeueStrandedRuns,
  RUN_QUEUE,
  stopBoss,
  type RunJob,
} from '@/lib/runs/pg-queue';
import { CHANNEL_CANCEL, CHANNEL_QUEUE, closeRunsPg, listener } from '@/lib/runs/pg-shared';

/** an idle worker looks for jobs this often even without a NOTIFY */
const IDLE_POLL_MS = 1000;
const CANCEL_POLL_MS = 1000;

interface Active {
  abort: AbortController;
  done: Promise<void>;
}

export interface WorkerOptions {
  concurrency?: number;
  log?: (line: string) => void;
}

export class RunWorker {
  readonly id = newWorkerId();
  private active = new Map<string, Active>();
  private stopping = false;
  private wake: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private loopDone: Promise<void> | null = null;
  private readonly concurrency: number;
  private readonly log: (line: string) => void;

  constructor(opts: WorkerOptions = {}) {
    this.concurrency = opts.concurrency ?? config().workerConcurrency;
    const out = opts.log ?? ((l: string) => console.error(l));
    this.log = (l) => out(`bpfdeck worker: ${l}`);
  }

  activeCount(): number {
    return this.active.size;
  }

  async start(): Promise<void> {
    if (config().runExecution !== 'worker') {
      throw new Error('bpfdeck worker needs PostgreSQL (DATABASE_URL=postgresql://...) and BPFDECK_RUN_EXECUTION=worker (the default there)');
    }
    await boss({ supervise: true });
    await listener().listen(CHANNEL_CANCEL, (runId) => this.active.get(runId)?.abort.abort());
    await listener().listen(CHANNEL_QUEUE, () => this.poke());
    // a worker that starts after a crash finds the lost runs at once
    await failLostRuns().catch((e) => this.log(`checking for lost runs: ${(e as Error).message}`));
    const leaseMs = config().runLeaseSec * 1000;
    this.every(Math.max(1000, Math.floor(leaseMs / 3)), () => this.heartbeat());
    this.every(CANCEL_POLL_MS, () => this.pollCancels());
    this.every(Math.max(1000, Math.floor(leaseMs / 3)), async () => {
      if (this.stopping) return;
      await failLostRuns();
      await pruneLiveRows();
      // runs whose web instance died between writing them and sending their job
      const stranded = await requeueStrandedRuns();
      if (stranded.length) this.log(`queued again ${stranded.length} run(s) that had no job (their web instance stopped before sending it)`);
    });
    this.loopDone = this.loop();
    this.log(`${this.id} started: up to ${this.concurrency} runs here, ${config().maxConcurrentRuns} over all workers, lease ${config().runLeaseSec} s`);
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let busy = false;
    const t = setInterval(() => {
      // not gated on stopping: a draining worker keeps its leases until its runs are stored
      if (busy) return;
      busy = true;
      fn()
        .catch((e) => this.log(`${(e as Error).message}`))
        .finally(() => (busy = false));
    }, ms);
    this.timers.push(t);
  }

  private poke(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(() => {
        this.wake = null;
        r();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        r();
      };
    });
  }

  private async loop(): Promise<void> {
    const b = await boss({ supervise: true });
    while (!this.stopping) {
      const free = this.concurrency - this.active.size;
      if (free <= 0) {
        await this.sleep(IDLE_POLL_MS);
        continue;
      }
      let jobs: Job<RunJob>[] = [];
      try {
        jobs = await b.fetch<RunJob>(RUN_QUEUE, { batchSize: free });
      } catch (e) {
        this.log(`fetching jobs: ${(e as Error).message}`);
      }
      let started = 0;
      for (const job of jobs) {
        if (this.stopping) {
          // not started: back to the queue for another worker (a deferral, not a failure)
          await b.fail(RUN_QUEUE, job.id, { reason: 'worker stopping' }).catch(() => {});
          continue;
        }
        if (await this.take(job)) started++;
      }
      // Full batch taken: there may be more. Otherwise wait for a NOTIFY, a finished run or the poll.
      if (!(jobs.length === free && started === jobs.length)) await this.sleep(IDLE_POLL_MS);
    }
  }

  /** Claims and starts one job's run; false when it was deferred or had nothing to do. */
  private async take(job: Job<RunJob>): Promise<boolean> {
    const b = await boss({ supervise: true });
    let outcome;
    try {
      outcome = await claimRun(job.data, this.id);
    } catch (e) {
      // never reached a host: pg-boss may offer it again
      this.log(`claiming run ${job.data.runId}: ${(e as Error).message}`);
      await b.fail(RUN_QUEUE, job.id, { reason: (e as Error).message }).catch(() => {});
      return false;
    }
    if (outcome === 'busy') {
      await b.fail(RUN_QUEUE, job.id, { reason: 'deferred: host+tool busy or a concurrency limit reached' }).catch(() => {});
      return false;
    }
    if (outcome === 'gone') {
      await b.complete(RUN_QUEUE, job.id, { skipped: 'run no longer queued' }).catch(() => {});
      return false;
    }
    const { runId } = job.data;
    const abort = new AbortController();
    const done = executeRun(runId, abort.signal)
      .catch((e) => this.log(`run ${runId} crashed: ${(e as Error).message}`))
      .finally(async () => {
        // Whatever happened the run reached a host (or tried): the job is done, never retried.
        await releaseClaim(runId, this.id).catch((e) => this.log(`releasing run ${runId}: ${(e as Error).message}`));
        await b.complete(RUN_QUEUE, job.id).catch(() => {});
        this.active.delete(runId);
        this.poke();
      });
    this.active.set(runId, { abort, done });
    return true;
  }

  private async heartbeat(): Promise<void> {
    if (!this.active.size) return;
    const held = new Set(await renewLeases(this.id));
    for (const [runId, a] of this.active) {
      // a reaper took it (this worker stalled past its lease): the run is failed; stop the host's bpftrace
      if (!held.has(runId)) a.abort.abort();
    }
  }

  private async pollCancels(): Promise<void> {
    if (!this.active.size) return;
    for (const id of await cancelRequested([...this.active.keys()])) this.active.get(id)?.abort.abort();
  }

  /** Drain: take nothing more, stop the running runs (SIGINT on the host, maps kept), wait up to timeoutMs. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.poke();
    const all = [...this.active.values()];
    if (all.length) this.log(`stopping ${all.length} run(s): bpftrace prints its maps, the results are stored`);
    for (const a of all) a.abort.abort();
    await Promise.race([Promise.allSettled(all.map((a) => a.done)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    // the heartbeat stops only now: runs still stopping keep their leases until they are stored
    for (const t of this.timers) clearInterval(t);
    await this.loopDone?.catch(() => {});
    await stopBoss();
    await closeRunsPg();
  }
}

/** The `bpfdeck worker` command: runs until SIGTERM/SIGINT, then drains and resolves. */
export async function runWorker(opts: WorkerOptions = {}): Promise<void> {
  const w = new RunWorker(opts);
  await w.start();
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      (opts.log ?? ((l: string) => console.error(l)))(`bpfdeck worker: ${sig}: draining`);
      void w.shutdown((config().stopGraceSec + 30) * 1000).finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
