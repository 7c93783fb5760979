/**
 * The scaled form's executors on real parts: a PostgreSQL database, `bpfdeck worker` processes, the
 * test fleet. This process enqueues like a web instance (worker mode: it executes nothing).
 * - a worker executes a queued run; a run queued while no worker runs is picked up by the next one
 * - kill -9 of a worker mid-run: the run is failed "worker lost" once its lease passes, and no
 *   bpftrace is left on the host (the host's stdin watchdog)
 * - SIGTERM drains: the running run stops with its maps kept and stored, the worker exits 0
 * - one run per host+tool over two workers, and a group's limit over two workers
 * - a run whose web instance died between writing it and sending its job is sent again and executed
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRemoteBpftrace } from './fleet';
import { pollUntil, registerFleetHost } from './helpers';
import { startWorkers, TEST_LEASE_SEC, useScaledEnv, WorkerProcess } from './scaled';

let env: Record<string, string>;
const workers: WorkerProcess[] = [];

beforeAll(() => {
  env = useScaledEnv('scaled_worker');
});

afterAll(async () => {
  for (const w of workers) w.kill9();
  const { closeRunsPg } = await import('@/lib/runs/pg-shared');
  const { stopBoss } = await import('@/lib/runs/pg-queue');
  await stopBoss();
  await closeRunsPg();
});

/** bpftrace of a killed worker stops within this (SIGINT from the watchdog, then 0.17's drain) */
const NOTHING_LEFT_WITHIN_MS = 15_000;

async function spawnWorkers(n: number, args: string[] = []): Promise<WorkerProcess[]> {
  const ws = await startWorkers(env, n, args);
  workers.push(...ws);
  return ws;
}

describe('bpfdeck worker (PostgreSQL queue)', () => {
  it('executes runs that web instances queue; a run queued while no worker runs waits for the next one', async () => {
    const { startRun, waitForRun, getRun, getRunResult } = await import('@/lib/runs/service');
    const { hostId } = await registerFleetHost('fleet31', { check: true });
    // no worker yet: the run stays queued (this process executes nothing in worker mode)
    const run = await startRun({ hostId, toolId: 'profile', durationSec: 10 }, 'it');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await getRun(run.id)).status).toBe('queued');
    const [w] = await spawnWorkers(1);
    const done = await waitForRun(run.id, 90_000);
    expect(done.status, done.errorMessage ?? '').toBe('completed');
    expect(((await getRunResult(run.id)) as { samplesCounted: number }).samplesCounted).toBeGreaterThan(0);
    w.signal('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('a run its web instance wrote but died before sending the job for is sent again by a worker and executed', async () => {
    const { startRun, waitForRun, getRun } = await import('@/lib/runs/service');
    const { db } = await import('@/lib/db/client');
    const { STRANDED_AFTER_SEC } = await import('@/lib/runs/pg-queue');
    const { hostId } = await registerFleetHost('fleet41', { check: true });
    // The crash window, in this process: the queue's enqueue does nothing, as if the process had died
    // right after the run's row was written (the row and the live "queued" event exist, no job does).
    const g = globalThis as unknown as { __bpfdeckPgQueue?: unknown };
    const real = g.__bpfdeckPgQueue;
    g.__bpfdeckPgQueue = { enqueue: () => {}, cancel: () => 'unknown', shutdown: async () => {} };
    const run = await startRun({ hostId, toolId: 'runqlat', durationSec: 5 }, 'it').finally(() => (g.__bpfdeckPgQueue = real));
    const [w] = await spawnWorkers(1);
    // within the grace a queued run without a job is left alone (its web instance may be sending it)
    await new Promise((r) => setTimeout(r, (TEST_LEASE_SEC / 3 + 2) * 1000));
    expect((await getRun(run.id)).status).toBe('queued');
    // the grace has passed (the clock moved on, not the test's wait)
    await db().run.update({ where: { id: run.id }, data: { createdAt: new Date(Date.now() - (STRANDED_AFTER_SEC + 5) * 1000) } });
    const done = await waitForRun(run.id, 90_000);
    expect(done.status, done.errorMessage ?? '').toBe('completed');
    expect(w.log()).toMatch(/queued again 1 run\(s\) that had no job/);
    w.signal('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('kill -9 of a worker mid-run: the run is failed "worker lost" within the lease, nothing is left on the host', async () => {
    const { startRun, getRun } = await import('@/lib/runs/service');
    const { hostId, fleet } = await registerFleetHost('fleet32', { check: true });
    const [w] = await spawnWorkers(1);
    const run = await startRun({ hostId, toolId: 'profile', durationSec: 60 }, 'it');
    await pollUntil(
      () => getRun(run.id),
      (r) => r.status === 'running',
      30_000,
    );
    const before = await listRemoteBpftrace(fleet, { onlyThisHost: true });
    expect(before.length).toBeGreaterThan(0);
    w.kill9();
    await w.exited;
    const { failLostRuns } = await import('@/lib/runs/service');
    // its lease (renewed every lease/3 s) has not passed yet: a worker that may be alive is not failed
    expect(await failLostRuns()).toBe(0);
    expect((await getRun(run.id)).status).toBe('running');
    const left = await pollUntil(
      () => listRemoteBpftrace(fleet, { onlyThisHost: true }),
      (l) => l.length === 0,
      NOTHING_LEFT_WITHIN_MS,
    );
    expect(left).toEqual([]);
    // Nobody renews the lease now. This process is a web instance: its reaper is lib/runs/lifecycle's,
    // which `next start` runs; here the same function is called the way that timer calls it.
    const marked = await pollUntil(
      async () => {
        await failLostRuns();
        return getRun(run.id);
      },
      (r) => r.status !== 'running',
      (TEST_LEASE_SEC + 10) * 1000,
    );
    expect(marked.status).toBe('failed');
    expect(marked.errorMessage).toMatch(/^worker lost/);
    // the claim is gone with it: the host+tool is free for the next run
    const { db } = await import('@/lib/db/client');
    expect(await db().runClaim.count({ where: { runId: run.id } })).toBe(0);
  });

  it('a restarted web instance fails nothing that a live worker executes', async () => {
    const { startRun, getRun, markInterruptedRuns, waitForRun } = await import('@/lib/runs/service');
    const { hostId } = await registerFleetHost('fleet33', { check: true });
    const [w] = await spawnWorkers(1);
    const run = await startRun({ hostId, toolId: 'profile', durationSec: 10 }, 'it');
    await pollUntil(
      () => getRun(run.id),
      (r) => r.status === 'running',
      30_000,
    );
    // what a web instance does when it starts
    expect(await markInterruptedRuns()).toBe(0);
    // and well past the lease: the worker renews it
    await new Promise((r) => setTimeout(r, (TEST_LEASE_SEC + 2) * 1000));
    expect(await markInterruptedRuns()).toBe(0);
    const done = await waitForRun(run.id, 90_000);
    expect(done.status, done.errorMessage ?? '').toBe('completed');
    w.signal('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('SIGTERM drains: the running run stops with its maps kept and stored, then the worker exits 0', async () => {
    const { startRun, getRun, getRawOutput, waitForRun } = await import('@/lib/runs/service');
    const { hostId, fleet } = await registerFleetHost('fleet34', { check: true });
    const [w] = await spawnWorkers(1);
    const run = await startRun({ hostId, toolId: 'profile', durationSec: 60 }, 'it');
    await pollUntil(
      () => getRun(run.id),
      (r) => r.status === 'running',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    w.signal('SIGTERM');
    expect(await w.exited).toBe(0);
    const done = await waitForRun(run.id, 5000);
    expect(done.status).toBe('cancelled');
    const raw = zlib.gunzipSync((await getRawOutput(run.id))!).toString('utf8');
    // @samples is printed only by bpftrace's exit-time dump: SIGINT, not a kill
    expect(raw).toMatch(/"@samples": \d+/);
    expect(await listRemoteBpftrace(fleet, { onlyThisHost: true })).toEqual([]);
  });

  it('over two workers: one run per host+tool at a time, and a group runs at most its limit at once', async () => {
    const { startRun, waitForRun } = await import('@/lib/runs/service');
    const { db } = await import('@/lib/db/client');
    const { runQueue } = await import('@/lib/runs/backend');
    await spawnWorkers(2);
    const { hostId } = await registerFleetHost('fleet35', { check: true });
    const a = await startRun({ hostId, toolId: 'runqlat', durationSec: 5 }, 'it');
    const b = await startRun({ hostId, toolId: 'runqlat', durationSec: 5 }, 'it');
    const [da, db2] = [await waitForRun(a.id, 90_000), await waitForRun(b.id, 90_000)];
    expect([da.status, db2.status]).toEqual(['completed', 'completed']);
    const [first, second] = [da, db2].sort((x, y) => Date.parse(x.startedAt!) - Date.parse(y.startedAt!));
    expect(Date.parse(second.startedAt!)).toBeGreaterThanOrEqual(Date.parse(first.endedAt!));

    // a group (a fleet run) of three hosts with groupLimit 1: no two of its runs overlap
    const hosts = [hostId, (await registerFleetHost('fleet36', { check: true })).hostId, (await registerFleetHost('fleet37', { check: true })).hostId];
    const ids: string[] = [];
    for (const h of hosts) {
      const r = await db().run.create({
        data: {
          id: `grp${Math.random().toString(36).slice(2, 12)}`,
          hostId: h,
          toolId: 'runqlat',
          variantId: 'default',
          scriptSha256: '-',
          durationSec: 5,
          status: 'queued',
          requestedBy: 'it',
        },
      });
      ids.push(r.id);
    }
    for (const [i, id] of ids.entries()) await runQueue().enqueue(id, hosts[i], 'runqlat', { groupId: 'fleet-run-1', groupLimit: 1 });
    const runs = await Promise.all(ids.map((id) => waitForRun(id, 120_000)));
    for (const r of runs) expect(r.status, r.errorMessage ?? '').toBe('completed');
    const spans = runs.map((r) => [Date.parse(r.startedAt!), Date.parse(r.endedAt!)]).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
  });
});
