/**
 * The durable run queue of the scaled form, on pg-boss (jobs in PostgreSQL, schema `pgboss`). The web
 * tier enqueues and cancels here; `bpfdeck worker` processes (lib/runs/worker.ts) take the jobs.
 *
 * A job only says which run to execute. What may execute is decided by RunClaim rows, taken in one
 * transaction under an advisory lock: the run must still be `queued` (so a job retried by pg-boss
 * never starts a run twice: a run that reached a host is never retried), its host+tool must be free
 * (unique index), fewer than BPFDECK_MAX_CONCURRENT_RUNS claims may exist over all workers, and fewer
 * than the group's limit in its group (a fleet run). A job that cannot run yet is failed with
 * "deferred" and pg-boss offers it again a second later (retryDelay); one whose run is no longer
 * queued (cancelled, lost) is completed without doing anything.
 */
import 'server-only';
import os from 'node:os';
import { PgBoss } from 'pg-boss';
import { db } from '@/lib/db/client';
import { config } from '@/lib/env';
import type { CancelResult, EnqueueOptions, RunQueue } from '@/lib/runs/interfaces';
import { CHANNEL_CANCEL, CHANNEL_QUEUE, inTransaction, notify, sql } from '@/lib/runs/pg-shared';

export const RUN_QUEUE = 'bpfdeck-runs';
export const DEFAULT_GROUP_LIMIT = 32;
/** job expiry = duration + stop grace + this (connecting, preflight, storing the result) */
export const JOB_EXPIRY_MARGIN_SEC = 120;
/** a deferred job (host+tool busy, limits reached) comes back after this */
const DEFER_DELAY_SEC = 1;
/** deferrals are retries to pg-boss: allow practically any number (a fleet run may wait long) */
const DEFER_RETRY_LIMIT = 1_000_000;
/** advisory lock key serialising claims (the counts and the insert are one decision) */
const CLAIM_LOCK_KEY = 0x62706664; // "bpfd"

export interface RunJob {
  runId: string;
  hostId: string;
  toolId: string;
  groupId?: string;
  groupLimit?: number;
}

const g = globalThis as unknown as { __bpfdeckBoss?: Promise<PgBoss> };

/** This process's pg-boss. Workers supervise (expire jobs, maintenance); web instances only send. */
export function boss(opts: { supervise: boolean } = { supervise: false }): Promise<PgBoss> {
  g.__bpfdeckBoss ??= (async () => {
    const d = config().database;
    if (d.kind !== 'postgres') throw new Error('the durable run queue needs a PostgreSQL DATABASE_URL');
    const b = new PgBoss({
      connectionString: d.url,
      max: 4,
      connectionTimeoutMillis: d.connectTimeoutMs,
      application_name: 'bpfdeck-queue',
      supervise: opts.supervise,
      schedule: false,
      migrate: true,
    });
    b.on('error', (e: Error) => console.warn(`bpfdeck: pg-boss: ${e.message}`));
    await b.start();
    if (!(await b.getQueue(RUN_QUEUE))) {
      // two processes starting together may both try: the second's failure is fine if the queue exists
      await b
        .createQueue(RUN_QUEUE, { policy: 'standard', retryLimit: DEFER_RETRY_LIMIT, retryDelay: DEFER_DELAY_SEC, retryBackoff: false })
        .catch(async (e) => {
          if (!(await b.getQueue(RUN_QUEUE))) throw e;
        });
    }
    return b;
  })();
  g.__bpfdeckBoss.catch(() => (g.__bpfdeckBoss = undefined));
  return g.__bpfdeckBoss;
}

export async function stopBoss(): Promise<void> {
  const b = await g.__bpfdeckBoss?.catch(() => undefined);
  g.__bpfdeckBoss = undefined;
  await b?.stop({ graceful: false, close: true }).catch(() => {});
}

export function jobExpirySec(durationSec: number): number {
  return durationSec + config().stopGraceSec + JOB_EXPIRY_MARGIN_SEC;
}

/** The producer side, used by web instances (and the CLI) in worker mode. */
export class PgRunQueue implements RunQueue {
  async enqueue(runId: string, hostId: string, toolId: string, opts: EnqueueOptions = {}): Promise<void> {
    const run = await db().run.findUnique({ where: { id: runId }, select: { durationSec: true } });
    if (!run) return;
    const job: RunJob = { runId, hostId, toolId, ...(opts.groupId ? { groupId: opts.groupId, groupLimit: opts.groupLimit ?? DEFAULT_GROUP_LIMIT } : {}) };
    await (await boss()).send(RUN_QUEUE, job, { expireInSeconds: jobExpirySec(run.durationSec) });
    // wake idle workers now rather than at their next poll
    await notify(CHANNEL_QUEUE, runId);
  }

  async cancel(runId: string): Promise<CancelResult> {
    // Still queued: cancelled here, atomically against a worker's claim (which needs `queued`).
    const r = await sql(
      `UPDATE "Run" SET "status" = 'cancelled', "endedAt" = now(), "errorMessage" = 'cancelled before it started' WHERE "id" = $1 AND "status" = 'queued'`,
      [runId],
    );
    if (r.rowCount) return 'dequeued';
    // Held by a worker: it stops bpftrace on the host (SIGINT, maps kept). The worker also polls the
    // cancelRequested flag every second, for a NOTIFY lost to a dropped connection.
    await notify(CHANNEL_CANCEL, runId);
    return 'signalled';
  }

  async shutdown(): Promise<void> {
    await stopBoss();
  }
}

/**
 * A run is written before its job is sent (lib/runs/service queueRun, lib/fleet startFleetRun): a web
 * instance that dies in between leaves a `queued` run that no job will ever take. A queued run older
 * than this with no live job is sent again. The grace keeps a send that is under way (a 500-host fleet
 * run enqueues host after host) from being doubled; a doubled job would do no harm anyway: claimRun
 * starts only a `queued` run, so the second job finds it gone and completes.
 */
export const STRANDED_AFTER_SEC = 60;

/** Sends a job again for every queued run without one (see STRANDED_AFTER_SEC); returns their ids. */
export async function requeueStrandedRuns(olderThanSec = STRANDED_AFTER_SEC): Promise<string[]> {
  const b = await boss({ supervise: true });
  const r = await sql<{ id: string; hostId: string; toolId: string; durationSec: number; fleetRunId: string | null; fanout: number | null }>(
    `SELECT r."id", r."hostId", r."toolId", r."durationSec", r."fleetRunId", f."fanout"
       FROM "Run" r LEFT JOIN "FleetRun" f ON f."id" = r."fleetRunId"
      WHERE r."status" = 'queued' AND r."createdAt" < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM pgboss.job j
                         WHERE j."name" = $2 AND j."state" IN ('created', 'retry', 'active') AND j."data"->>'runId' = r."id")
      ORDER BY r."createdAt" LIMIT 1000`,
    [olderThanSec, RUN_QUEUE],
  );
  for (const run of r.rows) {
    const job: RunJob = {
      runId: run.id,
      hostId: run.hostId,
      toolId: run.toolId,
      ...(run.fleetRunId ? { groupId: run.fleetRunId, groupLimit: run.fanout ?? DEFAULT_GROUP_LIMIT } : {}),
    };
    await b.send(RUN_QUEUE, job, { expireInSeconds: jobExpirySec(run.durationSec) });
  }
  if (r.rows.length) await notify(CHANNEL_QUEUE, r.rows[0].id);
  return r.rows.map((x) => x.id);
}

export type ClaimOutcome = 'claimed' | 'busy' | 'gone';

/**
 * Takes the run for this worker, or says why not: 'busy' (host+tool in use, global or group limit
 * reached: try again later) or 'gone' (no longer queued: nothing to do). On 'claimed' the run is
 * `connecting` and the claim holds a lease of BPFDECK_RUN_LEASE_SEC.
 */
export async function claimRun(job: RunJob, workerId: string): Promise<ClaimOutcome> {
  return inTransaction(async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK_KEY]);
    const run = await c.query<{ status: string }>('SELECT "status" FROM "Run" WHERE "id" = $1 FOR UPDATE', [job.runId]);
    if (run.rows[0]?.status !== 'queued') return 'gone';
    const total = await c.query<{ n: string }>('SELECT count(*) AS n FROM "RunClaim"');
    if (Number(total.rows[0].n) >= config().maxConcurrentRuns) return 'busy';
    if (job.groupId) {
      // the limit counts distinct HOSTS (lib/runs/interfaces.ts): a host already executing a run of this
      // group takes its next tool without another slot, so a fleet dashboard's tools on a host start together
      const inGroup = await c.query<{ n: string; here: boolean }>(
        'SELECT count(DISTINCT "hostId") AS n, bool_or("hostId" = $2) AS here FROM "RunClaim" WHERE "groupId" = $1',
        [job.groupId, job.hostId],
      );
      const row = inGroup.rows[0];
      if (!row.here && Number(row.n) >= (job.groupLimit ?? DEFAULT_GROUP_LIMIT)) return 'busy';
    }
    const ins = await c.query(
      `INSERT INTO "RunClaim" ("runId", "hostId", "toolId", "groupId", "workerId", "leaseExpiresAt")
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
       ON CONFLICT DO NOTHING`,
      [job.runId, job.hostId, job.toolId, job.groupId ?? null, workerId, config().runLeaseSec],
    );
    if (!ins.rowCount) return 'busy';
    await c.query(`UPDATE "Run" SET "status" = 'connecting' WHERE "id" = $1`, [job.runId]);
    return 'claimed';
  });
}

export async function releaseClaim(runId: string, workerId: string): Promise<void> {
  await sql('DELETE FROM "RunClaim" WHERE "runId" = $1 AND "workerId" = $2', [runId, workerId]);
}

/** Renews the leases of this worker's runs; returns the ids it still holds (a reaper may have taken some). */
export async function renewLeases(workerId: string): Promise<string[]> {
  const r = await sql<{ runId: string }>(`UPDATE "RunClaim" SET "leaseExpiresAt" = now() + make_interval(secs => $2) WHERE "workerId" = $1 RETURNING "runId"`, [
    workerId,
    config().runLeaseSec,
  ]);
  return r.rows.map((x) => x.runId);
}

/** Of these runs, the ones someone asked to cancel. */
export async function cancelRequested(runIds: string[]): Promise<string[]> {
  if (!runIds.length) return [];
  const r = await sql<{ id: string }>('SELECT "id" FROM "Run" WHERE "id" = ANY($1) AND "cancelRequested"', [runIds]);
  return r.rows.map((x) => x.id);
}

/**
 * Claims whose lease passed: their worker is gone (SIGKILL, crash, lost network). Deletes them and
 * returns their runs, for the caller to mark failed. Live runs without any claim are returned too:
 * in worker mode every executing run has one, so such a run was left by a crash between two steps.
 */
export async function takeLostRuns(): Promise<string[]> {
  return inTransaction(async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK_KEY]);
    const expired = await c.query<{ runId: string }>('DELETE FROM "RunClaim" WHERE "leaseExpiresAt" < now() RETURNING "runId"');
    const orphans = await c.query<{ id: string }>(
      `SELECT r."id" FROM "Run" r WHERE r."status" IN ('connecting', 'running') AND NOT EXISTS (SELECT 1 FROM "RunClaim" c WHERE c."runId" = r."id")`,
    );
    return [...new Set([...expired.rows.map((x) => x.runId), ...orphans.rows.map((x) => x.id)])];
  });
}

export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}
