/**
 * The scaled form end to end: two web instances (`next start` of the production build on two ports)
 * and two `bpfdeck worker` processes on one PostgreSQL database, the test fleet as hosts.
 * - a run started on web A is watched on web B (SSE), cancelled from B, and its maps are kept
 * - the same for a fleet run over four hosts executing on both workers, one host still waiting its turn
 * - restarting the whole web tier while workers run fails nothing
 * - the web instance a client streams from is killed: the stream resumes from the other instance
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRemoteBpftrace } from './fleet';
import { pollUntil, registerFleetHost } from './helpers';
import { freePort, Server, type Who } from './security-server';
import { startWorkers, useScaledEnv, type WorkerProcess } from './scaled';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface SseEvent {
  event: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each test reads the fields it asserts
}

/** A minimal EventSource over fetch: keeps every event, and ends when the server closes or dies. */
class SseClient {
  readonly events: SseEvent[] = [];
  private ac = new AbortController();
  ended = false;
  readonly done: Promise<void>;

  constructor(server: Server, p: string, who: Who) {
    this.done = (async () => {
      try {
        const r = await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${who.token}` }, signal: this.ac.signal });
        if (r.status !== 200) throw new Error(`SSE ${p}: ${r.status} ${await r.text()}`);
        const reader = r.body!.getReader();
        let buf = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buf += Buffer.from(value).toString('utf8');
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data !== undefined) this.events.push({ event, data: JSON.parse(data) });
          }
        }
      } catch {
        /* aborted, or the server died: `ended` says so */
      } finally {
        this.ended = true;
      }
    })();
  }

  async waitFor(pred: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent> {
    const t0 = Date.now();
    for (;;) {
      const e = this.events.find(pred);
      if (e) return e;
      if (this.ended) throw new Error(`stream ended without the event; got ${this.events.map((x) => x.event).join(',')}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`no such event within ${timeoutMs} ms; got ${this.events.map((x) => x.event).join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.ac.abort();
  }
}

let env: Record<string, string>;
let webEnv: Record<string, string>;
let a: Server;
let b: Server;
let workers: WorkerProcess[] = [];
let tok: Who;
let adminTok: Who;
/** each worker executes at most this many runs: a fleet run of three executing hosts needs both */
const WORKER_CONCURRENCY = 2;

async function web(label: string, port?: number): Promise<Server> {
  const s = new Server(port ?? (await freePort()), fs.mkdtempSync(path.join(os.tmpdir(), `bpfdeck-web-${label}-`)), webEnv);
  await s.start();
  return s;
}

beforeAll(async () => {
  env = useScaledEnv('scaled_web');
  // each web instance has a data dir of its own (as on its own machine); database and secrets are shared
  const { BPFDECK_DATA_DIR: _own, ...shared } = env;
  void _own;
  webEnv = shared;
  [a, b] = await Promise.all([web('a'), web('b')]);
  workers = await startWorkers(env, 2, ['--concurrency', String(WORKER_CONCURRENCY)]);
  const admin = await a.setupAdmin();
  tok = await a.createToken(admin, 'scaled-it', 'operator');
  adminTok = await a.createToken(admin, 'scaled-it-admin', 'admin');
});

afterAll(async () => {
  for (const w of workers) w.kill9();
  await Promise.all([a?.stop(), b?.stop()]);
  const { closeRunsPg } = await import('@/lib/runs/pg-shared');
  const { stopBoss } = await import('@/lib/runs/pg-queue');
  await stopBoss();
  await closeRunsPg();
});

async function startOn(s: Server, hostId: string, durationSec: number): Promise<string> {
  const r = await s.req('POST', '/api/runs', { who: tok, body: { hostId, toolId: 'profile', durationSec } });
  expect(r.status, r.text).toBe(202);
  return r.json.run.id as string;
}

describe('two web instances, two workers', () => {
  it('a run started on web A is watched on web B, cancelled from B, and its maps are kept', async () => {
    const { getRawOutput } = await import('@/lib/runs/service');
    const { hostId, fleet } = await registerFleetHost('fleet38', { check: true });
    const id = await startOn(a, hostId, 60);
    const sse = new SseClient(b, `/api/runs/${id}/events`, tok);
    try {
      await sse.waitFor((e) => e.event === 'snapshot', 30_000);
      await sse.waitFor((e) => e.event === 'run' && e.data.status === 'running', 60_000);
      await sse.waitFor((e) => e.event === 'progress' && e.data.elapsedSec >= 2, 30_000);
      const t0 = Date.now();
      const c = await b.req('POST', `/api/runs/${id}/cancel`, { who: tok });
      expect(c.status, c.text).toBe(200);
      // figures, not assertions: how soon the worker on another process reacted
      const stopping = await sse.waitFor((e) => e.event === 'done', 60_000);
      console.log(`scaled: cancel on B -> done on B's stream ${Date.now() - t0} ms (bpftrace drains its maps in between)`);
      expect(stopping.data.run.status).toBe('cancelled');
      expect(stopping.data.result.samplesCounted).toBeGreaterThan(0);
    } finally {
      sse.close();
    }
    const raw = zlib.gunzipSync((await getRawOutput(id))!).toString('utf8');
    expect(raw).toMatch(/"@samples": \d+/);
    expect(await listRemoteBpftrace(fleet, { onlyThisHost: true })).toEqual([]);
  });

  it('a fleet run started on web A is watched on web B and cancelled from B: every host keeps its maps, nothing is left on the hosts', async () => {
    const { getRawOutput } = await import('@/lib/runs/service');
    const { db } = await import('@/lib/db/client');
    const { PENDING_KIND } = await import('@/lib/fleet/report');
    const hosts = await Promise.all(['fleet41', 'fleet42', 'fleet43', 'fleet44'].map((n) => registerFleetHost(n, { check: true })));
    // fan-out 3: three hosts execute (more than one worker holds), the fourth waits its turn
    const put = await a.req('PUT', '/api/settings/fleet', { who: adminTok, body: { fanout: 3 } });
    expect(put.status, put.text).toBe(200);
    const started = await a.req('POST', '/api/fleet-runs', { who: tok, body: { hostIds: hosts.map((h) => h.hostId), toolIds: ['profile'], durationSec: 60 } });
    expect(started.status, started.text).toBe(201);
    const fleetId = started.json.fleetRun.id as string;
    const sse = new SseClient(b, `/api/fleet-runs/${fleetId}/events?partials=0`, tok);
    let final: SseEvent;
    let waitingHostId: string;
    try {
      const snap = await sse.waitFor((e) => e.event === 'snapshot', 30_000);
      expect(snap.data.hosts).toHaveLength(4);
      const progressing = () =>
        new Set(sse.events.filter((e) => e.event === 'progress' && e.data.progress.elapsedSec >= 2).map((e) => e.data.hostId as string));
      await pollUntil(
        async () => progressing().size,
        (n) => n >= 3,
        90_000,
      );
      const claims = await db().runClaim.findMany({ where: { groupId: fleetId } });
      expect(claims).toHaveLength(3);
      expect(new Set(claims.map((c) => c.workerId)).size).toBe(2);
      const before = await b.req('GET', `/api/fleet-runs/${fleetId}`, { who: tok });
      const waiting = (before.json.fleetRun.hosts as Array<{ hostId: string; runs: Array<{ status: string }> }>).filter((h) => h.runs[0].status === 'queued');
      expect(waiting).toHaveLength(1);
      waitingHostId = waiting[0].hostId;
      expect(progressing().has(waiting[0].hostId)).toBe(false);

      const c = await b.req('POST', `/api/fleet-runs/${fleetId}/cancel`, { who: tok });
      expect(c.status, c.text).toBe(200);
      final = await sse.waitFor((e) => e.event === 'fleet', 90_000);
    } finally {
      sse.close();
    }
    expect(final.data.status).toBe('cancelled');
    const done = sse.events.filter((e) => e.event === 'done');
    expect(new Set(done.map((e) => e.data.runId)).size).toBe(4);
    for (const h of final.data.hosts as Array<{
      hostId: string;
      hostName: string;
      runs: Array<{ id: string; status: string; startedAt: string | null; errorMessage: string | null }>;
    }>) {
      const [run] = h.runs;
      expect(run.status, `${h.hostName}: ${run.errorMessage}`).toBe('cancelled');
      if (run.startedAt === null) {
        // the host that was waiting its turn: dequeued, never reached
        expect(h.hostId).toBe(waitingHostId);
        expect(run.errorMessage).toMatch(/before it started/);
        continue;
      }
      // executed: SIGINT on the host, and bpftrace's exit-time dump of its maps was kept
      const raw = zlib.gunzipSync((await getRawOutput(run.id))!).toString('utf8');
      expect(raw, h.hostName).toMatch(/"@samples": \d+/);
    }
    for (const h of hosts) expect(await listRemoteBpftrace(h.fleet, { onlyThisHost: true }), h.fleet.name).toEqual([]);
    // the fleet report is made by the worker whose run ended last, and B serves it
    const report = await pollUntil(
      () => db().report.findUnique({ where: { fleetRunId: fleetId }, select: { id: true, kind: true } }),
      (r) => r !== null && r.kind !== PENDING_KIND,
      30_000,
    );
    expect((await b.req('GET', `/api/reports/${report!.id}`, { who: tok })).status).toBe(200);
  });

  it('restarting the whole web tier while workers run fails nothing', async () => {
    const { getRun, waitForRun } = await import('@/lib/runs/service');
    const { hostId } = await registerFleetHost('fleet39', { check: true });
    const id = await startOn(a, hostId, 20);
    await pollUntil(
      () => getRun(id),
      (r) => r.status === 'running',
      60_000,
    );
    await Promise.all([a.stop(), b.stop()]);
    // both start again (each marks interrupted runs at start: in worker mode only lost workers' runs)
    await Promise.all([a.start(), b.start()]);
    expect((await getRun(id)).status).toBe('running');
    const done = await waitForRun(id, 120_000);
    expect(done.status, done.errorMessage ?? '').toBe('completed');
  });

  it('the web instance a client streams from is killed: the stream resumes from the other instance', async () => {
    const { hostId } = await registerFleetHost('fleet40', { check: true });
    const id = await startOn(a, hostId, 15);
    const first = new SseClient(a, `/api/runs/${id}/events`, tok);
    const seen = await first.waitFor((e) => e.event === 'progress' && e.data.elapsedSec >= 2, 90_000);
    a.kill9();
    await a.exited();
    await first.done;
    expect(first.ended).toBe(true);
    // the browser's EventSource reconnects; a load balancer sends it to B, which starts from the current state
    const second = new SseClient(b, `/api/runs/${id}/events`, tok);
    try {
      const snap = await second.waitFor((e) => e.event === 'snapshot', 30_000);
      expect(snap.data.run.status).toBe('running');
      expect(snap.data.progress.elapsedSec).toBeGreaterThanOrEqual(seen.data.elapsedSec);
      const more = await second.waitFor((e) => e.event === 'progress' && e.data.elapsedSec > snap.data.progress.elapsedSec, 30_000);
      expect(more.data.records).toBeGreaterThanOrEqual(snap.data.progress.records);
      const done = await second.waitFor((e) => e.event === 'done', 90_000);
      expect(done.data.run.status).toBe('completed');
      expect(done.data.result.samplesCounted).toBeGreaterThan(0);
    } finally {
      second.close();
    }
  });
});
