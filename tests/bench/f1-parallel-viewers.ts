/**
 * F1 benchmark: 20 viewers fetch a run's ~19 MB result (and raw output) at once. Prints the server's
 * RSS and the latency of another request (GET /api/auth/session) during the load, as ratios against
 * an idle baseline measured in the same run. A benchmark prints figures; it asserts nothing.
 *
 *   npm run -s build && flock /tmp/bpfdeck-fleet.lock npx tsx tests/bench/f1-parallel-viewers.ts [--viewers 20] [--mb 19]
 *   BPFDECK_TEST_SERVER_ROOT=/path/to/other/checkout ...   # the same against another build (before/after)
 *
 * The run row is written straight into the server's SQLite file (a real tool run of 19 MB takes
 * minutes); its host is a real fleet host added through the API. The server is stopped on every exit.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { fleetClientKeyPath, fleetHost } from '../integration/fleet';
import { startServer, type Server } from '../integration/security-server';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const VIEWERS = arg('viewers', 20);
const MB = arg('mb', 19);

/** An execsnoop-like result of about `mb` MB. */
function bigResult(mb: number): string {
  const rows: unknown[] = [];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const row = {
      t: i / 1000,
      pid: 1000 + (i % 50_000),
      ppid: 1,
      uid: 0,
      ret: 0,
      comm: 'bash',
      argv: `/usr/bin/some-tool --flag=${i} /var/lib/data/file-${i % 977}.dat`,
    };
    size += JSON.stringify(row).length + 1;
    rows.push(row);
  }
  return JSON.stringify({ kind: 'events', columns: ['t', 'pid', 'ppid', 'uid', 'ret', 'comm', 'argv'], rows, stats: { records: rows.length } });
}

function rssMb(s: Server): number {
  const pid = (s as unknown as { child: { pid: number } }).child.pid;
  const out = execFileSync('ps', ['-o', 'rss=', '-g', String(pid)], { encoding: 'utf8' });
  return (
    out
      .split('\n')
      .filter(Boolean)
      .reduce((a, l) => a + Number(l.trim()), 0) / 1024
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

let server: Server | undefined;
const stop = () => void server?.stop();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (stop(), process.exit(130)));

async function main() {
  server = await startServer('f1bench');
  const s = server;
  const admin = await s.setupAdmin();
  const f = fleetHost('fleet11');
  const h = await s.req('POST', '/api/hosts', {
    who: admin,
    body: { name: 'f1-bench', address: f.address, port: f.port, username: f.user, privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') },
  });
  if (!h.json?.host?.id) throw new Error(`adding the host failed: ${h.text}`);
  const json = bigResult(MB);
  const rawLines = Buffer.from(json.replace(/\},\{/g, '}\n{'));
  const db = new Database(path.join(s.dataDir, 'bpfdeck.db'));
  db.prepare(
    `INSERT INTO Run (id, hostId, toolId, variantId, scriptSha256, durationSec, status, requestedBy, resultJson, rawOutputGz, rawOutputBytes)
     VALUES ('f1benchrun000000000000', ?, 'execsnoop', 'tracepoint', 'x', 30, 'completed', 'bench', ?, ?, ?)`,
  ).run(h.json.host.id, json, zlib.gzipSync(rawLines), rawLines.length);
  db.close();
  const cookie = admin.cookie!;
  const get = async (p: string) => {
    const t0 = performance.now();
    const r = await fetch(`${s.url}${p}`, { headers: { cookie } });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
    return performance.now() - t0;
  };
  // warm-up: compile the routes once
  await get('/api/auth/session');
  await get('/api/runs/f1benchrun000000000000/result');
  await get('/api/runs/f1benchrun000000000000/raw');

  const idle: number[] = [];
  for (let i = 0; i < 15; i++) idle.push(await get('/api/auth/session'));
  const idleRss = rssMb(s);
  console.log(
    `F1: ${VIEWERS} parallel viewers, result ${(json.length / 1048576).toFixed(1)} MB, raw ${(rawLines.length / 1048576).toFixed(1)} MB (server: ${s.url})`,
  );
  console.log(`  idle:  RSS ${idleRss.toFixed(0)} MB, GET /api/auth/session median ${median(idle).toFixed(1)} ms`);

  for (const what of ['result', 'raw'] as const) {
    let peak = rssMb(s);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(s))), 50);
    const t0 = performance.now();
    const load = Promise.all(Array.from({ length: VIEWERS }, () => get(`/api/runs/f1benchrun000000000000/${what}`)));
    const probes: number[] = [];
    let done = false;
    void load.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    while (!done) probes.push(await get('/api/auth/session'));
    const viewers = await load;
    clearInterval(sampler);
    const total = performance.now() - t0;
    console.log(
      `  ${what.padEnd(6)} all ${VIEWERS} done in ${total.toFixed(0)} ms (viewer median ${median(viewers).toFixed(0)} ms); ` +
        `peak RSS ${peak.toFixed(0)} MB (${(peak / idleRss).toFixed(2)}x idle); ` +
        `other request during load: median ${median(probes).toFixed(1)} ms, max ${Math.max(...probes).toFixed(1)} ms ` +
        `(${(Math.max(...probes) / median(idle)).toFixed(1)}x idle median, ${probes.length} probes)`,
    );
  }
}

try {
  await main();
} finally {
  await server?.stop();
}
process.exit(0);
