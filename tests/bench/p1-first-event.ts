/**
 * P1 benchmark (prints figures; not a test): time from the run request (POST /api/runs) to the first
 * live event that carries bpftrace output in the browser-facing SSE stream, against plain
 * `ssh host sudo -n bpftrace -f json <same program>` to its first output line, on the same fleet host,
 * alternating, several repetitions. Both measure up to bpftrace's first line (`attached_probes`).
 *
 *   npx tsx --conditions=react-server tests/bench/p1-first-event.ts [--host fleet11] [--reps 7]
 * Needs the test fleet up and a production build (npm run build); starts its own server on a temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fleetClientKeyPath, fleetHost, sshBaseArgs } from '../integration/fleet';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const fleetName = opt('host', 'fleet11');
const reps = Number(opt('reps', '7'));
const port = Number(opt('port', '3219'));
const base = `http://127.0.0.1:${port}`;

let bearer = '';
const auth = () => ({ authorization: `Bearer ${bearer}` });

async function api<T>(p: string, body?: unknown): Promise<T> {
  const res = await fetch(
    base + p,
    body === undefined ? { headers: auth() } : { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: JSON.stringify(body) },
  );
  const json = await res.json();
  if (!res.ok) throw new Error(`${p}: ${JSON.stringify(json)}`);
  return json as T;
}

/** The first admin and an operator-level API token, made in the data dir before the server starts. */
async function provision(dataDir: string): Promise<string> {
  process.env.BPFDECK_DATA_DIR = dataDir;
  const { completeSetup } = await import('@/lib/auth/setup');
  const { setupToken } = await import('@/lib/auth/first-run');
  const { createToken } = await import('@/lib/auth/tokens');
  const admin = await completeSetup({ setupToken: setupToken(), email: 'bench@bpfdeck.test', name: 'bench', password: 'bench-password-not-secret' });
  return (await createToken({ name: 'p1', role: 'admin' }, { userId: admin.id, role: 'admin' })).token;
}

/**
 * The detached server (its own process group) is stopped on every way out: normal end, a thrown
 * error (also while starting), Ctrl-C/SIGTERM, an unhandled rejection. A server left behind would
 * answer the next run on the same port with this run's tokens ("API token unknown").
 */
let serverChild: ChildProcess | undefined;
function stopServer(): void {
  const c = serverChild;
  serverChild = undefined;
  if (!c?.pid || c.exitCode !== null) return;
  try {
    process.kill(-c.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}
process.on('exit', stopServer);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    stopServer();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
  });
}
process.on('uncaughtException', (e) => {
  console.error(e);
  stopServer();
  process.exit(1);
});
process.on('unhandledRejection', (e) => {
  console.error(e);
  stopServer();
  process.exit(1);
});

async function startServer(): Promise<ChildProcess> {
  // Something still listening here (an old server) would be measured instead of ours: refuse.
  const old = await fetch(`${base}/api/tools`).then(
    () => true,
    () => false,
  );
  if (old) throw new Error(`port ${port} is already in use (an old bpfdeck server?): stop it or set another port`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-bench-'));
  bearer = await provision(dataDir);
  const child = (serverChild = spawn('npx', ['next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, BPFDECK_DATA_DIR: dataDir, BPFDECK_MAX_RUN_STARTS_PER_10MIN: '1000' },
    stdio: 'ignore',
    detached: true,
  }));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      await fetch(`${base}/api/tools`);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('server did not start');
}

/** ms from POST /api/runs to the first SSE event that shows a bpftrace record; then cancel and wait. */
async function bpfdeckOnce(hostId: string): Promise<number> {
  const t0 = performance.now();
  const { run } = await api<{ run: { id: string } }>('/api/runs', { hostId, toolId: 'profile', durationSec: 10 });
  const res = await fetch(`${base}/api/runs/${run.id}/events`, { headers: auth() });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let firstMs = -1;
  while (firstMs < 0) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended before the first record');
    buf += dec.decode(value, { stream: true });
    for (const block of buf.split('\n\n').slice(0, -1)) {
      const ev = /^event: (\w+)/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!ev || !data) continue;
      const d = JSON.parse(data);
      const records = ev === 'progress' ? d.records : ev === 'snapshot' ? d.progress?.records : 0;
      if (records > 0) firstMs = performance.now() - t0;
      if (ev === 'done') throw new Error(`run ended first: ${data.slice(0, 300)}`);
    }
    buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
  }
  await reader.cancel();
  await api(`/api/runs/${run.id}/cancel`, {});
  for (;;) {
    const { run: r } = await api<{ run: { status: string } }>(`/api/runs/${run.id}`);
    if (['completed', 'failed', 'cancelled'].includes(r.status)) break;
    await new Promise((res2) => setTimeout(res2, 100));
  }
  return firstMs;
}

/** ms from spawning ssh to bpftrace's first stdout line; the program exits by itself after 2 s. */
function sshOnce(program: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const quoted = `'${program.replace(/'/g, `'\\''`)}'`;
    const child = spawn('ssh', [...sshBaseArgs(fleetName), 'sudo', '-n', 'bpftrace', '-f', 'json', '-e', quoted], { stdio: ['ignore', 'pipe', 'ignore'] });
    let first = -1;
    child.stdout.on('data', () => {
      if (first < 0) first = performance.now() - t0;
    });
    child.on('exit', () => (first >= 0 ? resolve(first) : reject(new Error('no output'))));
  });
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: med, min: s[0], max: s[s.length - 1] };
}

await startServer();
try {
  const f = fleetHost(fleetName);
  const { host } = await api<{ host: { id: string } }>('/api/hosts', {
    name: `bench-${fleetName}`,
    address: f.address,
    port: f.port,
    username: f.user,
    privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
  });
  const { hostKey } = await api<{ hostKey: { fingerprint: string } }>(`/api/hosts/${host.id}/hostkey/scan`, {});
  await api(`/api/hosts/${host.id}/hostkey/accept`, { fingerprint: hostKey.fingerprint });
  await api(`/api/hosts/${host.id}/check`, {});
  const program = fs.readFileSync('bpftrace-tools/profile.bt', 'utf8') + '\ninterval:s:2 { exit(); }\n';
  // warm-up (first connection, first page of the route handlers)
  await sshOnce(program);
  await bpfdeckOnce(host.id);
  const ssh: number[] = [];
  const deck: number[] = [];
  for (let i = 0; i < reps; i++) {
    ssh.push(await sshOnce(program));
    deck.push(await bpfdeckOnce(host.id));
  }
  const a = stats(ssh);
  const b = stats(deck);
  const fmt = (x: { median: number; min: number; max: number }) => `median ${x.median.toFixed(0)} ms (min ${x.min.toFixed(0)}, max ${x.max.toFixed(0)})`;
  console.log(`P1 on ${fleetName}, ${reps} repetitions each, alternating:`);
  console.log(`  baseline  ssh + sudo bpftrace -> first stdout line      ${fmt(a)}`);
  console.log(`  bpfdeck   POST /api/runs -> first SSE event with output ${fmt(b)}`);
  console.log(`  difference of medians ${(b.median - a.median).toFixed(0)} ms, ratio ${(b.median / a.median).toFixed(2)}x (target: within 300 ms)`);
  console.log(`  raw ssh ms: ${ssh.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  raw bpfdeck ms: ${deck.map((x) => x.toFixed(0)).join(' ')}`);
} finally {
  stopServer();
}
process.exit(0);
