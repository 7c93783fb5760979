/**
 * Worker sizing (prints figures; not a test): resident memory of one `bpfdeck worker` process with 0,
 * 10 and 30 runs executing at once on the test fleet's cheap hosts (fleet31-44, one tool per host at a
 * time: up to three tools per host), on a fresh PostgreSQL database of the test server.
 *
 *   flock /tmp/bpfdeck-fleet.lock npx tsx --conditions=react-server tests/bench/worker-sizing.ts [--duration 25]
 */
import { registerFleetHost } from '../integration/helpers';
import { rssMb, startWorkers, useScaledEnv } from '../integration/scaled';

const args = process.argv.slice(2);
const durationSec = Number(args[args.indexOf('--duration') + 1] || 25);
const env = useScaledEnv('sizing');
// one user starts all 40 runs here
process.env.BPFDECK_MAX_ACTIVE_RUNS_PER_USER = '100';
process.env.BPFDECK_MAX_RUN_STARTS_PER_10MIN = '1000';
const HOSTS = Array.from({ length: 14 }, (_, i) => `fleet${31 + i}`);
const TOOLS = ['runqlat', 'execsnoop', 'opensnoop'];

const { startRun, getRun, waitForRun } = await import('@/lib/runs/service');
const hostIds: string[] = [];
for (const h of HOSTS) hostIds.push((await registerFleetHost(h, { check: true })).hostId);
const [w] = await startWorkers(env, 1, ['--concurrency', '32']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** the highest RSS over a few samples, once all runs of the batch are tracing */
async function peakRss(ms: number): Promise<number> {
  let peak = 0;
  for (let t = 0; t < ms; t += 500) {
    peak = Math.max(peak, rssMb(w.pid));
    await sleep(500);
  }
  return peak;
}

async function batch(n: number): Promise<{ rss: number; completed: number; startSec: number }> {
  const ids: string[] = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const run = await startRun({ hostId: hostIds[i % hostIds.length], toolId: TOOLS[Math.floor(i / hostIds.length)], durationSec }, 'bench');
    ids.push(run.id);
  }
  for (;;) {
    const st = await Promise.all(ids.map(async (id) => (await getRun(id)).status));
    if (st.every((s) => s === 'running')) break;
    if (st.some((s) => s === 'failed' || s === 'completed' || s === 'cancelled')) break;
    if (Date.now() - t0 > durationSec * 1000) break;
    await sleep(250);
  }
  const startSec = (Date.now() - t0) / 1000;
  const rss = await peakRss(4000);
  const done = await Promise.all(ids.map((id) => waitForRun(id, (durationSec + 120) * 1000)));
  return { rss, completed: done.filter((d) => d.status === 'completed').length, startSec };
}

await sleep(3000);
const idle = await peakRss(2000);
const ten = await batch(10);
const thirty = await batch(30);
console.log(`worker RSS: idle ${idle.toFixed(0)} MB`);
console.log(
  `10 concurrent ${durationSec} s runs: ${ten.rss.toFixed(0)} MB (${((ten.rss - idle) / 10).toFixed(1)} MB per run), ${ten.completed}/10 completed, all tracing after ${ten.startSec.toFixed(1)} s`,
);
console.log(
  `30 concurrent ${durationSec} s runs: ${thirty.rss.toFixed(0)} MB (${((thirty.rss - idle) / 30).toFixed(1)} MB per run), ${thirty.completed}/30 completed, all tracing after ${thirty.startSec.toFixed(1)} s`,
);
w.signal('SIGTERM');
await w.exited;
const { stopBoss } = await import('@/lib/runs/pg-queue');
const { closeRunsPg } = await import('@/lib/runs/pg-shared');
await stopBoss();
await closeRunsPg();
process.exit(0);
