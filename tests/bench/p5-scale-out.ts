/**
 * P5 benchmark, scale-out (prints figures; not a test). On the test fleet and a private PostgreSQL:
 *  1. throughput: N queued runs of D s (default 200 x 10 s) over H hosts (default 20; ten tools per
 *     host, so no host+tool waits for another), executed by 1 `bpfdeck worker`, then by 2: wall time
 *     of each (first enqueue to last run ended) and the ratio;
 *  2. queue overhead per run, enqueue (startRun called) to SSH connect start (the TCP connection
 *     reaching the host: each host is reached through a proxy in this process, which timestamps it),
 *     in the scaled form (pg-boss + worker) against the in-process runner (the SQLite default);
 *  3. cancel latency: cancelRun (from this process, as a web instance) to the executor's "stopping"
 *     event (SIGINT on its way to the host) and to the run's end, in both modes;
 *  4. live-event latency, a worker's event to the browser's SSE stream (the real events route), p50
 *     and p99, in PostgreSQL mode (publisher and web instance in two processes, NOTIFY between) against
 *     in-process mode (one process, the in-memory bus).
 * Each mode runs in a child process of its own (the database is chosen once per process). Bounded: a
 * phase that does not finish within its limit is killed and the benchmark exits 1.
 *
 *   flock /tmp/bpfdeck-fleet.lock npx tsx --conditions=react-server tests/bench/p5-scale-out.ts \
 *     [--runs 200] [--duration 10] [--hosts 20] [--concurrency 10] [--events 400] [--cancels 10]
 * `--concurrency` is BPFDECK_WORKER_CONCURRENCY (runs one worker executes at once).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', '200'));
const DURATION_SEC = Number(opt('duration', '10'));
const HOSTS = Number(opt('hosts', '20'));
const CONCURRENCY = Number(opt('concurrency', '10'));
const EVENTS = Number(opt('events', '400'));
const EVENT_INTERVAL_MS = 25;
const OVERHEAD_RUNS = Math.min(HOSTS, 20);
const CANCELS = Number(opt('cancels', '10'));
const phase = opt('phase', '');
/** --smoke: the live-event latency only, on a host row that is never connected to (no fleet, no runs) */
const SMOKE = args.includes('--smoke');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

// ------------------------------------------------------------------------------------------------
// In a phase process: hosts behind timestamping proxies, runs, the live-event stream.

interface Proxy {
  port: number;
  /** performance.now() of every TCP connection accepted, in order */
  accepts: number[];
  close(): void;
}

function startProxy(address: string, port: number): Promise<Proxy> {
  const accepts: number[] = [];
  const socks = new Set<net.Socket>();
  const server = net.createServer((down) => {
    accepts.push(performance.now());
    const up = net.connect(port, address);
    socks.add(down).add(up);
    const end = () => {
      down.destroy();
      up.destroy();
      socks.delete(down);
      socks.delete(up);
    };
    down.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
    down.pipe(up).pipe(down);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        accepts,
        close: () => {
          for (const s of socks) s.destroy();
          server.close();
        },
      }),
    ),
  );
}

interface BenchHost {
  id: string;
  proxy: Proxy;
  tools: string[];
}

async function registerHosts(n: number): Promise<BenchHost[]> {
  const { fleetClientKeyPath, fleetHostsByRole, readHostPublicKey } = await import('../integration/fleet');
  const { createHost, scanHostKey, acceptHostKey, checkHost, getHostRow } = await import('@/lib/hosts/service');
  const { hostKeyFromPublicKeyLine } = await import('@/lib/ssh/hostkey');
  const { listTools, chooseVariant } = await import('@/lib/tools/catalog');
  const fleet = fleetHostsByRole('ok').filter((h) => h.kind === 'plain' && h.system === 'bookworm');
  if (fleet.length < n) throw new Error(`the fleet has ${fleet.length} plain bookworm hosts, ${n} asked for`);
  const key = fs.readFileSync(fleetClientKeyPath(), 'utf8');
  const out: BenchHost[] = [];
  // four at a time: a host check runs bpftrace probes of its own
  for (let i = 0; i < n; i += 4) {
    const batch = fleet.slice(i, Math.min(n, i + 4));
    out.push(
      ...(await Promise.all(
        batch.map(async (f) => {
          const proxy = await startProxy(f.address, f.port);
          const host = await createHost({ name: `p5-${f.name}`, address: '127.0.0.1', port: proxy.port, username: f.user, privateKey: key });
          const offered = await scanHostKey(host.id);
          if (offered.fingerprint !== hostKeyFromPublicKeyLine(readHostPublicKey(f)).fingerprint) throw new Error(`${f.name}: unexpected host key`);
          await acceptHostKey(host.id, offered.fingerprint);
          await checkHost(host.id);
          const caps = JSON.parse((await getHostRow(host.id)).preflightJson!);
          const tools = listTools()
            .filter((t) => t.minDurationSec <= DURATION_SEC && DURATION_SEC <= t.maxDurationSec && chooseVariant(t, caps).ok)
            .map((t) => t.id);
          return { id: host.id, proxy, tools };
        }),
      )),
    );
  }
  return out;
}

const USER = 'p5@bench.test';

/** Enqueue to connect start, one run per host, one after the other (each waits for its connection). */
async function queueOverhead(hosts: BenchHost[]): Promise<{ overheadMs: number[]; runIds: string[] }> {
  const { startRun, cancelRun } = await import('@/lib/runs/service');
  const overheadMs: number[] = [];
  const runIds: string[] = [];
  for (const h of hosts.slice(0, OVERHEAD_RUNS)) {
    const before = h.proxy.accepts.length;
    const t0 = performance.now();
    const run = await startRun({ hostId: h.id, toolId: h.tools.includes('profile') ? 'profile' : h.tools[0], durationSec: DURATION_SEC }, USER);
    runIds.push(run.id);
    const deadline = Date.now() + 60_000;
    while (h.proxy.accepts.length === before) {
      if (Date.now() > deadline) throw new Error(`run ${run.id} did not connect within 60 s`);
      await sleep(1);
    }
    overheadMs.push(h.proxy.accepts[before] - t0);
    // One run at a time, truly: it has reached its host, which is all this measures; stopped and
    // ended before the next starts, so that no run waits for a worker's concurrency limit (with 10
    // runs a worker, the 11th of 20 runs left going had waited for a free slot: the ~10 s "tail" an
    // earlier version of this benchmark printed).
    await cancelRun(run.id).catch(() => {});
    await waitAllEnded([run.id], 60_000);
  }
  return { overheadMs, runIds };
}

async function waitAllEnded(ids: string[], limitMs: number): Promise<Record<string, number>> {
  const { db } = await import('@/lib/db/client');
  const deadline = Date.now() + limitMs;
  for (;;) {
    const rows = await db().run.groupBy({ by: ['status'], where: { id: { in: ids } }, _count: true });
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r._count]));
    const ended = (byStatus.completed ?? 0) + (byStatus.failed ?? 0) + (byStatus.cancelled ?? 0);
    if (ended === ids.length) return byStatus;
    if (Date.now() > deadline) throw new Error(`runs not ended within ${limitMs / 1000} s: ${JSON.stringify(byStatus)}`);
    await sleep(250);
  }
}

/** busy and total CPU time of the whole machine so far (/proc/stat, in clock ticks) */
function machineCpu(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4]; // idle + iowait
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * RUNS runs spread over the hosts (tool i of host j), all enqueued at once; wall time to the last end,
 * and how busy the machine's CPUs were meanwhile: every "host" is this machine, so near 100 % the runs
 * are host-bound (more workers cannot make them faster).
 */
async function throughput(
  hosts: BenchHost[],
  rss?: () => number,
): Promise<{ wallSec: number; byStatus: Record<string, number>; peakRssMb: number; machineCpuBusy: number }> {
  const { startRun } = await import('@/lib/runs/service');
  const pairs: Array<{ hostId: string; toolId: string }> = [];
  for (let round = 0; pairs.length < RUNS; round++) {
    for (const h of hosts) if (pairs.length < RUNS && round < h.tools.length) pairs.push({ hostId: h.id, toolId: h.tools[round] });
    if (round > 20) for (const h of hosts) if (pairs.length < RUNS) pairs.push({ hostId: h.id, toolId: h.tools[round % h.tools.length] }); // fewer tools than needed: some wait
  }
  let peakRssMb = 0;
  const sampler = rss ? setInterval(() => (peakRssMb = Math.max(peakRssMb, rss())), 500) : undefined;
  const t0 = performance.now();
  const cpu0 = machineCpu();
  const ids: string[] = [];
  for (const p of pairs) ids.push((await startRun({ ...p, durationSec: DURATION_SEC }, USER)).id);
  const byStatus = await waitAllEnded(ids, 8 * 60_000);
  const wallSec = (performance.now() - t0) / 1000;
  const cpu1 = machineCpu();
  clearInterval(sampler);
  return { wallSec, byStatus, peakRssMb, machineCpuBusy: (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total) };
}

/**
 * Cancel latency: CANCELS runs (profile, 60 s), one at a time; once each is tracing, cancelRun (what
 * POST /api/runs/[id]/cancel calls) is timed to the executor's "stopping" progress event (published
 * the moment the cancel reaches it, as SIGINT goes to the host) arriving back on this process's bus,
 * and to the run's end (bpftrace prints its maps, the result is stored).
 */
async function cancelLatency(hosts: BenchHost[]): Promise<{ toStopMs: number[]; toDoneMs: number[] }> {
  const { startRun, cancelRun } = await import('@/lib/runs/service');
  const { liveBus } = await import('@/lib/runs/backend');
  const { STOPPING_PHASE } = await import('@/lib/runs/execute');
  const toStopMs: number[] = [];
  const toDoneMs: number[] = [];
  for (const h of hosts.filter((x) => x.tools.includes('profile')).slice(0, CANCELS)) {
    const run = await startRun({ hostId: h.id, toolId: 'profile', durationSec: 60 }, USER);
    let tracing = false;
    let stopAt = 0;
    let doneAt = 0;
    const unsubscribe = liveBus().subscribe(run.id, (ev) => {
      if (ev.type === 'progress' && ev.progress.phase === 'tracing' && ev.progress.elapsedSec >= 1) tracing = true;
      if (ev.type === 'progress' && ev.progress.phase === STOPPING_PHASE && !stopAt) stopAt = performance.now();
      if (ev.type === 'done') doneAt = performance.now();
    });
    try {
      const deadline = Date.now() + 60_000;
      while (!tracing) {
        if (Date.now() > deadline) throw new Error(`run ${run.id} was not tracing within 60 s`);
        await sleep(5);
      }
      const t0 = performance.now();
      await cancelRun(run.id);
      while (!doneAt) {
        if (performance.now() - t0 > 60_000) throw new Error(`run ${run.id} did not end within 60 s of its cancel`);
        await sleep(1);
      }
      if (!stopAt) throw new Error(`run ${run.id} ended without a "${STOPPING_PHASE}" event`);
      toStopMs.push(stopAt - t0);
      toDoneMs.push(doneAt - t0);
    } finally {
      unsubscribe();
    }
  }
  return { toStopMs, toDoneMs };
}

/** Publishes EVENTS progress events on a live run and times each one to its arrival on the SSE stream. */
async function sseLatency(webPort: number, publish: (ref: { id: string; hostId: string }, seq: number) => Promise<void> | void, hostId: string) {
  const { db } = await import('@/lib/db/client');
  const { newId } = await import('@/lib/ids');
  const { createUser } = await import('@/lib/auth/users');
  const { createToken } = await import('@/lib/auth/tokens');
  const admin = await createUser({ email: 'p5-admin@bench.test', name: 'p5', password: 'p5-bench-password-not-secret', role: 'admin' });
  const { token } = await createToken({ name: 'p5', role: 'viewer' }, { userId: admin.id, role: 'admin' });
  // a run that is "running" with nobody executing it: only the bus is measured
  const run = await db().run.create({
    data: {
      id: newId(),
      hostId,
      toolId: 'profile',
      variantId: 'profile',
      scriptSha256: '',
      durationSec: 600,
      status: 'running',
      requestedBy: USER,
      startedAt: new Date(),
    },
  });
  const ref = { id: run.id, hostId };
  const sentAt = new Map<number, number>();
  const latencyMs: number[] = [];
  const ac = new AbortController();
  const res = await fetch(`http://127.0.0.1:${webPort}/api/runs/${run.id}/events`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`events route answered ${res.status}: ${await res.text()}`);
  let snapshot!: () => void;
  const gotSnapshot = new Promise<void>((r) => (snapshot = r));
  const reading = (async () => {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const now = performance.now();
        buf += dec.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'snapshot') snapshot();
          if (event === 'progress' && data) {
            const seq = (JSON.parse(data) as { records: number }).records;
            const t = sentAt.get(seq);
            if (t !== undefined) latencyMs.push(now - t);
          }
        }
      }
    } catch {
      /* aborted at the end */
    }
  })();
  await gotSnapshot;
  for (let seq = 1; seq <= EVENTS; seq++) {
    sentAt.set(seq, performance.now());
    await publish(ref, seq);
    await sleep(EVENT_INTERVAL_MS);
  }
  await sleep(1000); // the last ones in flight
  ac.abort();
  await reading;
  return { p50: pct(latencyMs, 50), p99: pct(latencyMs, 99), delivered: latencyMs.length, sent: EVENTS };
}

const progressOf = (seq: number) => ({
  type: 'progress' as const,
  progress: { elapsedSec: 0, remainingSec: 0, records: seq, lostEvents: 0, stdoutBytes: 0, phase: 'tracing' },
});

async function smokeHost(): Promise<string> {
  const { db } = await import('@/lib/db/client');
  const { newId } = await import('@/lib/ids');
  return (await db().host.create({ data: { id: newId(), name: 'p5-smoke', address: '127.0.0.1', username: 'nobody' } })).id;
}

async function phaseInprocess(): Promise<unknown> {
  if (SMOKE) {
    const { runBus } = await import('@/lib/runs/bus');
    const { serveEventsRoute } = await import('./p5-web');
    const web = await serveEventsRoute();
    const latency = await sseLatency(web.port, (ref, seq) => runBus.publish(ref, progressOf(seq)), await smokeHost());
    await web.close();
    return { overheadMs: [], latency };
  }
  const hosts = await registerHosts(HOSTS);
  const overhead = await queueOverhead(hosts);
  await waitAllEnded(overhead.runIds, 3 * 60_000);
  const cancel = await cancelLatency(hosts);
  const { runBus } = await import('@/lib/runs/bus');
  const { serveEventsRoute } = await import('./p5-web');
  const web = await serveEventsRoute();
  const latency = await sseLatency(web.port, (ref, seq) => runBus.publish(ref, progressOf(seq)), hosts[0].id);
  await web.close();
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
  for (const h of hosts) h.proxy.close();
  return { overheadMs: overhead.overheadMs, cancel, latency };
}

class Child {
  readonly proc: ChildProcess;
  private out: string[] = [];
  constructor(argv: string[], env: NodeJS.ProcessEnv) {
    this.proc = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc.stdout!.on('data', (b: Buffer) => this.out.push(b.toString()));
    this.proc.stderr!.on('data', (b: Buffer) => this.out.push(b.toString()));
  }
  log = () => this.out.join('');
  async waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const t0 = Date.now();
    for (;;) {
      const m = re.exec(this.log());
      if (m) return m;
      if (this.proc.exitCode !== null) throw new Error(`child exited ${this.proc.exitCode}:\n${this.log()}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`child did not say ${re} within ${timeoutMs} ms:\n${this.log()}`);
      await sleep(100);
    }
  }
  async stop(): Promise<number | null> {
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    const done = new Promise<number | null>((r) => this.proc.once('exit', (c) => r(c)));
    process.kill(this.proc.pid!, 'SIGTERM');
    const t = setTimeout(() => this.kill(), 30_000);
    const code = await done;
    clearTimeout(t);
    return code;
  }
  kill(): void {
    try {
      process.kill(-this.proc.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function rssMbOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

async function startWorkers(n: number): Promise<Child[]> {
  const ws = Array.from({ length: n }, () => new Child(['bin/bpfdeck.mjs', 'worker'], process.env));
  await Promise.all(ws.map((w) => w.waitFor(/ started: /, 60_000)));
  return ws;
}

async function pgLatency(hostId: string, children: Child[]) {
  // the web instance in a process of its own; this process publishes as a worker does
  const web = new Child([path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'tests/bench/p5-web.ts'], process.env);
  children.push(web);
  const port = Number((await web.waitFor(/LISTENING (\d+)/, 60_000))[1]);
  const { liveBus } = await import('@/lib/runs/backend');
  const latency = await sseLatency(port, (ref, seq) => liveBus().publish(ref, progressOf(seq)), hostId);
  await web.stop();
  return latency;
}

async function closePg(): Promise<void> {
  const { stopBoss } = await import('@/lib/runs/pg-queue');
  const { closeRunsPg } = await import('@/lib/runs/pg-shared');
  await stopBoss().catch(() => {});
  await closeRunsPg().catch(() => {});
}

async function phasePg(): Promise<unknown> {
  if (SMOKE) {
    const children: Child[] = [];
    try {
      return { overheadMs: [], latency: await pgLatency(await smokeHost(), children) };
    } finally {
      for (const c of children) c.kill();
      await closePg();
    }
  }
  const hosts = await registerHosts(HOSTS);
  const children: Child[] = [];
  try {
    let workers = await startWorkers(1);
    children.push(...workers);
    const overhead = await queueOverhead(hosts);
    await waitAllEnded(overhead.runIds, 3 * 60_000);
    const one = await throughput(hosts, () => rssMbOf(workers[0].proc.pid!));
    for (const w of workers) await w.stop();
    workers = await startWorkers(2);
    children.push(...workers);
    const two = await throughput(hosts, () => Math.max(...workers.map((w) => rssMbOf(w.proc.pid!))));
    // cancel from this process (as from a web instance) to the worker holding the run
    const cancel = await cancelLatency(hosts);
    for (const w of workers) await w.stop();
    const latency = await pgLatency(hosts[0].id, children);
    return { overheadMs: overhead.overheadMs, one, two, cancel, latency };
  } finally {
    for (const c of children) c.kill();
    for (const h of hosts) h.proxy.close();
    await closePg();
  }
}

// ------------------------------------------------------------------------------------------------
// The orchestrator: one child process per mode, each bounded.

async function runPhase(name: 'inprocess' | 'pg', env: NodeJS.ProcessEnv, limitMs: number): Promise<Record<string, unknown>> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'tests/bench/p5-scale-out.ts', ...args, '--phase', name],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    },
  );
  const killer = setTimeout(() => {
    console.error(`p5: phase ${name} did not finish within ${limitMs / 60_000} min: killed`);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, limitMs);
  let result: Record<string, unknown> | null = null;
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l.startsWith('P5RESULT ')) result = JSON.parse(l.slice('P5RESULT '.length));
    else process.stderr.write(`[${name}] ${l}\n`);
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(killer);
  if (code !== 0 || !result) throw new Error(`phase ${name} failed (exit ${code})`);
  return result;
}

async function main(): Promise<void> {
  const { pgTestServerUrl, freshPgDatabase } = await import('../integration/pg');
  pgTestServerUrl();
  const common = {
    BPFDECK_MAX_ACTIVE_RUNS_PER_USER: '1000',
    BPFDECK_MAX_RUN_STARTS_PER_10MIN: '100000',
    BPFDECK_MAX_CONCURRENT_RUNS: '64',
    BPFDECK_SECRET_KEY: randomBytes(32).toString('base64'),
    BPFDECK_AUTH_SECRET: randomBytes(32).toString('hex'),
  };
  const dir = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `bpfdeck-p5-${label}-`));
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const t0 = Date.now();
  console.log(`P5 scale-out: ${RUNS} runs x ${DURATION_SEC} s over ${HOSTS} hosts; worker concurrency ${CONCURRENCY}; ${os.cpus().length} CPUs`);
  const inproc = (await runPhase('inprocess', { ...base, ...common, BPFDECK_DATA_DIR: dir('inproc') }, 4 * 60_000)) as InprocResult;
  const pg = (await runPhase(
    'pg',
    {
      ...base,
      ...common,
      BPFDECK_DATA_DIR: dir('pg'),
      DATABASE_URL: freshPgDatabase('p5'),
      BPFDECK_RUN_EXECUTION: 'worker',
      BPFDECK_WORKER_CONCURRENCY: String(CONCURRENCY),
    },
    11 * 60_000,
  )) as PgResult;
  if (!SMOKE) printRuns(inproc, pg);
  console.log(`\n== live event -> SSE stream (${EVENTS} progress events, one per ${EVENT_INTERVAL_MS} ms)`);
  const l = (x: { p50: number; p99: number; delivered: number; sent: number }) => `p50 ${ms(x.p50)}  p99 ${ms(x.p99)}  (${x.delivered} of ${x.sent} delivered)`;
  console.log(`in-process bus          : ${l(inproc.latency)}`);
  console.log(`PostgreSQL bus (2 procs): ${l(pg.latency)}`);
  console.log(`p99 added by PostgreSQL : ${ms(pg.latency.p99 - inproc.latency.p99)} (target: under 50 ms)`);
  console.log(`\nbenchmark time: ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
}

type InprocResult = {
  overheadMs: number[];
  cancel: { toStopMs: number[]; toDoneMs: number[] };
  latency: { p50: number; p99: number; delivered: number; sent: number };
};
type PgResult = InprocResult & {
  one: { wallSec: number; byStatus: Record<string, number>; peakRssMb: number; machineCpuBusy: number };
  two: { wallSec: number; byStatus: Record<string, number>; peakRssMb: number; machineCpuBusy: number };
};

function printRuns(inproc: InprocResult, pg: PgResult): void {
  console.log('\n== throughput (PostgreSQL, pg-boss, bpfdeck worker)');
  const busy = (x: number) => `machine CPU ${(x * 100).toFixed(0)} % busy`;
  console.log(
    `1 worker : ${pg.one.wallSec.toFixed(1)} s wall   runs ${JSON.stringify(pg.one.byStatus)}   worker peak RSS ${pg.one.peakRssMb.toFixed(0)} MB   ${busy(pg.one.machineCpuBusy)}`,
  );
  console.log(
    `2 workers: ${pg.two.wallSec.toFixed(1)} s wall   runs ${JSON.stringify(pg.two.byStatus)}   worker peak RSS ${pg.two.peakRssMb.toFixed(0)} MB (each)   ${busy(pg.two.machineCpuBusy)}`,
  );
  console.log(
    `ratio (1 worker / 2 workers): ${(pg.one.wallSec / pg.two.wallSec).toFixed(2)}x   (ideal lower bound: ${Math.ceil(RUNS / CONCURRENCY) * DURATION_SEC} s / ${Math.ceil(RUNS / (2 * CONCURRENCY)) * DURATION_SEC} s of tracing alone)`,
  );
  console.log('\n== queue overhead per run: startRun called -> TCP connection to the host (one run at a time, idle system)');
  const o = (xs: number[]) => `p50 ${ms(pct(xs, 50))}  p90 ${ms(pct(xs, 90))}  max ${ms(Math.max(...xs))}  (n=${xs.length})`;
  console.log(`in-process runner (SQLite): ${o(inproc.overheadMs)}`);
  console.log(`pg-boss + worker          : ${o(pg.overheadMs)}`);
  console.log(`added by the queue (p50)  : ${ms(pct(pg.overheadMs, 50) - pct(inproc.overheadMs, 50))}`);
  console.log(`\n== cancel: cancelRun called -> the executor's "stopping" event (SIGINT on its way to the host) -> run ended`);
  const c = (x: { toStopMs: number[]; toDoneMs: number[] }) =>
    `to stopping p50 ${ms(pct(x.toStopMs, 50))}  max ${ms(Math.max(...x.toStopMs))};  to ended p50 ${ms(pct(x.toDoneMs, 50))}  max ${ms(Math.max(...x.toDoneMs))}  (n=${x.toStopMs.length})`;
  console.log(`in-process runner (SQLite)    : ${c(inproc.cancel)}`);
  console.log(`web -> worker (NOTIFY, 2 procs): ${c(pg.cancel)}   (target: to stopping under 1 s)`);
}

if (phase) {
  const out = phase === 'inprocess' ? await phaseInprocess() : await phasePg();
  console.log(`P5RESULT ${JSON.stringify(out)}`);
  process.exit(0);
} else {
  const hard = setTimeout(() => {
    console.error('p5: over 16 min in total: stopped');
    process.exit(1);
  }, 16 * 60_000);
  hard.unref();
  await main().then(
    () => process.exit(0),
    (e) => {
      console.error(`p5: ${(e as Error).stack ?? e}`);
      process.exit(1);
    },
  );
}
