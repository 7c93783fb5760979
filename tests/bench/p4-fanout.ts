/**
 * P4 benchmark (prints figures; not a test): fan-out over 50 fleet hosts, one 10 s run of profile and
 * of tcplife, bpfdeck against Debian's parallel-ssh (pssh) with the same -p, in the same run.
 *
 *  - bpfdeck: from the fleet run request (lib/fleet/service startFleetRun, the one call of POST
 *    /api/fleet-runs, made in this process: this process is the server) until every host's run has
 *    ended (the last `done` on the live bus); time to each host's first event (bpftrace's first
 *    record, `attached_probes`, as the live bus carries it to the SSE stream).
 *  - pssh: `parallel-ssh -p N -t 0 -P -I -h hosts` with the fleet's ssh_config, pushing the same script
 *    (the catalog variant bpfdeck ran, rendered with the same parameters) on stdin into a temp dir and
 *    running `sudo -n bpftrace -f json` on it under `timeout`, as bpfdeck's wrapper does, SIGINT 10 s
 *    after bpftrace's first line (its probes attached), as bpfdeck counts (`pssh`); and once more with
 *    a plain `timeout -s INT 10` from bpftrace's start (`pssh-t`). Time to each host's first output
 *    line (-P prints lines as they arrive, prefixed with the host).
 *  - server: peak RSS growth over the idle process (sampled every 50 ms) per concurrent host, and CPU
 *    seconds (user + system of this process) per host; pssh's CPU (its ssh children included) per host.
 * Hosts are checked (preflight) and pinned before: neither side checks during the timed runs.
 *
 *   npx tsx --conditions=react-server tests/bench/p4-fanout.ts [--hosts 50] [--fanout 32] [--duration 10] [--trials 3] [--tools tcplife,profile]
 * Needs the test fleet up (fleet50-81 included: scripts/fleet/fleet-up.sh) and parallel-ssh (pssh).
 * Hold the fleet lock: flock /tmp/bpfdeck-fleet.lock npx tsx ...
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fleetClientKeyPath, fleetPaths, loadFleet, readHostPublicKey } from '../integration/fleet';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const HOSTS = Number(opt('hosts', '50'));
const FANOUT = Number(opt('fanout', '32'));
const DURATION_SEC = Number(opt('duration', '10'));
const TRIALS = Number(opt('trials', '3'));
// tcplife first: RSS never shrinks, so the cheap tool's growth is measured before profile's
const TOOLS = opt('tools', 'tcplife,profile').split(',');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
/** this process's own CPU seconds and those of its waited-for children (pssh and its ssh processes), from /proc */
function cpuSec(): { self: number; children: number } {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // fields after "comm)": state=0 ... utime=11 stime=12 cutime=13 cstime=14
  return { self: (Number(f[11]) + Number(f[12])) / CLK_TCK, children: (Number(f[13]) + Number(f[14])) / CLK_TCK };
}

/** peak RSS, and the JS heap and the buffers outside it at that moment (where the memory is) */
function rssSampler() {
  let peak = process.memoryUsage();
  const t = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak.rss) peak = m;
  }, 50);
  return {
    stop: () => {
      clearInterval(t);
      return peak;
    },
  };
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const sec = (ms: number) => (ms / 1000).toFixed(2);
const MB = (b: number) => (b / 1048576).toFixed(1);

async function mapLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

interface Side {
  wallMs: number;
  /** per host: ms from the request to its first event; missing = none */
  firstEventMs: Map<string, number>;
  completed: number;
  failed: Array<[string, string]>;
  cpuSec: number;
}

async function bpfdeckRun(
  toolId: string,
  hostIds: string[],
  names: Map<string, string>,
): Promise<Side & { peakRssGrowth: number; peakHeapGrowth: number; peakHeapTotalGrowth: number; peakBuffersGrowth: number }> {
  const { startFleetRun } = await import('@/lib/fleet/service');
  const { runBus } = await import('@/lib/runs/bus');
  const { db } = await import('@/lib/db/client');
  global.gc?.();
  const idle = process.memoryUsage();
  const rss = rssSampler();
  const cpu0 = cpuSec().self;
  const t0 = performance.now();
  const f = await startFleetRun({ hostIds, toolIds: [toolId], durationSec: DURATION_SEC }, 'bench');
  const runs = f.hosts.flatMap((h) => h.runs);
  const first = new Map<string, number>();
  const left = new Set(runs.filter((r) => r.status === 'queued').map((r) => r.id));
  // subscribed right after the request: a run's first record comes seconds later (connect, push, attach)
  await new Promise<void>((resolve) => {
    const unsub = runs.map((r) =>
      runBus.subscribe(r.id, (ev) => {
        if (ev.type === 'progress' && ev.progress.records > 0 && !first.has(r.hostId)) first.set(r.hostId, performance.now() - t0);
        if (ev.type === 'done' && left.delete(r.id) && left.size === 0) {
          unsub.forEach((u) => u());
          resolve();
        }
      }),
    );
    if (left.size === 0) resolve();
  });
  const wallMs = performance.now() - t0;
  const cpu = cpuSec().self - cpu0;
  const peak = rss.stop();
  const rows = await db().run.findMany({ where: { fleetRunId: f.id }, select: { hostId: true, status: true, errorMessage: true } });
  const byName = new Map([...first].map(([id, ms]) => [names.get(id)!, ms]));
  return {
    wallMs,
    firstEventMs: byName,
    completed: rows.filter((r) => r.status === 'completed').length,
    failed: rows.filter((r) => r.status !== 'completed').map((r) => [names.get(r.hostId)!, (r.errorMessage ?? r.status).split('\n')[0]]),
    cpuSec: cpu,
    peakRssGrowth: peak.rss - idle.rss,
    peakHeapGrowth: peak.heapUsed - idle.heapUsed,
    peakHeapTotalGrowth: peak.heapTotal - idle.heapTotal,
    peakBuffersGrowth: peak.arrayBuffers - idle.arrayBuffers,
  };
}

/**
 * `attach`: the duration counts from the probes' attachment, as bpfdeck's own (lib/ssh/remote-bpftrace:
 * SIGINT durationSec after bpftrace's first line, `attached_probes`), so both sides trace as long.
 * `start`: `timeout -s INT` from bpftrace's start, the plain pssh way: attaching eats into the duration
 * (under load a tool may be stopped before it attached: exit 130, nothing traced).
 */
type PsshTimer = 'attach' | 'start';

/**
 * pssh's limit per host: with `start`, a SIGINT that reaches bpftrace 0.17 while it attaches can be
 * lost (seen here: one bpftrace ran on for 5 minutes after its timeout's only SIGINT; a second one
 * stopped it). bpfdeck sends its SIGINT after the attachment and has a backstop.
 */
const PSSH_HOST_TIMEOUT_SEC = DURATION_SEC + 90;
/** the pssh scripts' bpftrace processes (mktemp's default /tmp/tmp.* directories; bpfdeck's are /tmp/bpfdeck.*) */
const LEFTOVER_PATTERN = '^bpftrace -f json /tmp/tmp\\.';

function leftoverBpftrace(): string[] {
  try {
    return execFileSync('pgrep', ['-f', LEFTOVER_PATTERN], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function psshRun(script: string, env: Record<string, number>, hostNames: string[], dir: string, timer: PsshTimer): Promise<Side> {
  const hostsFile = path.join(dir, 'hosts');
  fs.writeFileSync(hostsFile, `${hostNames.join('\n')}\n`);
  const envs = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  // the same steps as bpfdeck's wrapper (lib/ssh/remote-bpftrace): temp dir, script, timeout -s INT, sudo -n bpftrace
  const remote =
    timer === 'start'
      ? `d=$(mktemp -d) && cat > "$d/tool.bt" && ${envs}timeout --preserve-status -s INT ${DURATION_SEC} sudo -n bpftrace -f json "$d/tool.bt" </dev/null; rc=$?; rm -rf "$d"; exit $rc`
      : // bpftrace's output through a fifo: its first line passed on, then DURATION_SEC, then SIGINT to
        // timeout (which relays it to sudo, sudo to bpftrace), the rest passed on until it exits
        `d=$(mktemp -d) && cat > "$d/tool.bt" && mkfifo "$d/o" && { ${envs}timeout --preserve-status -s INT 3600 sudo -n bpftrace -f json "$d/tool.bt" </dev/null >"$d/o" & p=$!; ` +
        `{ IFS= read -r l && printf '%s\\n' "$l" && sleep ${DURATION_SEC} && kill -INT $p; cat; } <"$d/o"; wait $p; rc=$?; rm -rf "$d"; exit $rc; }`;
  const cpu0 = cpuSec().children;
  const t0 = performance.now();
  const first = new Map<string, number>();
  const child = spawn(
    'parallel-ssh',
    [
      '-h',
      hostsFile,
      '-p',
      String(FANOUT),
      '-t',
      String(PSSH_HOST_TIMEOUT_SEC),
      '-P',
      '-I',
      '-x',
      `-F ${fleetPaths().sshConfig}`,
      '-x',
      '-oBatchMode=yes',
      remote,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child.stdin.end(script);
  let buf = '';
  let summary = '';
  child.stdout.on('data', (b: Buffer) => {
    const now = performance.now() - t0;
    buf += b.toString('utf8');
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      // -P: "<host>: <line>"; the summary lines: "[1] 12:00:00 [SUCCESS] fleet11"
      const m = /^(fleet\d+): /.exec(l);
      if (m && !first.has(m[1])) first.set(m[1], now);
      if (/^\[\d+\] \S+ \[(SUCCESS|FAILURE)\]/.test(l)) summary += `${l}\n`;
    }
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  await new Promise((r) => child.on('close', r));
  const wallMs = performance.now() - t0;
  // pssh's per-host limit (-t) ends ssh, not bpftrace: whatever it left on the hosts (all on this
  // machine) is stopped here, and counted
  const left = leftoverBpftrace();
  if (left.length) {
    console.log(`  pssh (${timer}) left ${left.length} bpftrace running on the hosts after -t ${PSSH_HOST_TIMEOUT_SEC} s: stopped by the benchmark`);
    for (const sig of ['INT', 'KILL']) {
      spawn('pkill', [`-${sig}`, '-f', LEFTOVER_PATTERN]);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  const failed = [...summary.matchAll(/\[FAILURE\] (\S+)(.*)/g)].map((m) => [m[1], m[2].trim()] as [string, string]);
  if (!summary && stderr) console.error(stderr.slice(0, 2000));
  return {
    wallMs,
    firstEventMs: first,
    completed: [...summary.matchAll(/\[SUCCESS\]/g)].length,
    failed,
    cpuSec: cpuSec().children - cpu0,
  };
}

function line(label: string, s: Side, hosts: string[]): string {
  const ttfe = hosts.map((h) => s.firstEventMs.get(h)).filter((x): x is number => x !== undefined);
  return (
    `  ${label.padEnd(8)} wall ${sec(s.wallMs).padStart(6)} s   first event per host: p50 ${sec(q(ttfe, 0.5))} s, p90 ${sec(q(ttfe, 0.9))} s, ` +
    `max ${sec(Math.max(...ttfe))} s (${ttfe.length}/${hosts.length} hosts)   ${s.completed} completed, ${s.failed.length} failed   ` +
    `CPU ${(s.cpuSec / hosts.length).toFixed(3)} s/host`
  );
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-p4-'));
  process.env.BPFDECK_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  const fleet = loadFleet().filter((h) => h.kind === 'plain' && h.role === 'ok');
  if (fleet.length < HOSTS)
    throw new Error(`only ${fleet.length} plain fleet hosts can run bpftrace (want ${HOSTS}): bring up fleet50-81 (scripts/fleet/fleet-up.sh)`);
  const picked = fleet.slice(0, HOSTS);
  const { createIdentity } = await import('@/lib/hosts/identities');
  const { createHost, scanHostKey, acceptHostKey, checkHost } = await import('@/lib/hosts/service');
  const { hostKeyFromPublicKeyLine } = await import('@/lib/ssh/hostkey');
  const { setSetting } = await import('@/lib/settings');
  const { getTool, chooseVariant, loadScript, resolveParams } = await import('@/lib/tools/catalog');
  const identityId = (await createIdentity({ name: 'p4', kind: 'key', privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') })).id;
  const ids = new Map<string, string>();
  const names = new Map<string, string>();
  const t0 = performance.now();
  await mapLimit(picked, 8, async (f) => {
    const h = await createHost({ name: f.name, address: f.address, port: f.port, username: f.user, identityId });
    const k = await scanHostKey(h.id);
    if (k.fingerprint !== hostKeyFromPublicKeyLine(readHostPublicKey(f)).fingerprint) throw new Error(`${f.name}: unexpected host key`);
    await acceptHostKey(h.id, k.fingerprint);
    await checkHost(h.id);
    ids.set(f.name, h.id);
    names.set(h.id, f.name);
  });
  await setSetting('fleet.fanout', FANOUT, 'bench');
  const { getHost } = await import('@/lib/hosts/service');
  const caps = (await getHost(ids.get(picked[0].name)!)).capabilities;
  const { config } = await import('@/lib/env');
  console.log(
    `P4 fan-out: ${HOSTS} hosts (${picked[0].name}..${picked.at(-1)!.name}, one kernel, ${os.cpus().length} CPUs), -p ${FANOUT}, ${DURATION_SEC} s runs ` +
      `(global run limit BPFDECK_MAX_CONCURRENT_RUNS=${config().maxConcurrentRuns}); hosts registered, pinned and checked in ${sec(performance.now() - t0)} s`,
  );
  const hostNames = picked.map((p) => p.name);
  const hostIds = hostNames.map((n) => ids.get(n)!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-p4-pssh-'));
  for (const [i, toolId] of TOOLS.entries()) {
    const tool = getTool(toolId)!;
    const choice = chooseVariant(tool, caps);
    if (!choice.ok) throw new Error(`${toolId}: ${choice.reason}`);
    const script = loadScript(choice.variant, tool, resolveParams(tool, {})).text;
    // Trials alternate which side goes first, so that neither always meets a machine the other just
    // warmed; on a machine this loaded one trial's ratio swings (1.06x to 1.38x seen): the median counts.
    console.log(`${toolId} (variant ${choice.variant.id}):`);
    const ratios: number[] = [];
    const concurrent = Math.min(FANOUT, HOSTS);
    for (let trial = 0; trial < TRIALS; trial++) {
      const order = (i + trial) % 2 === 0 ? (['bpfdeck', 'pssh'] as const) : (['pssh', 'bpfdeck'] as const);
      let b: Awaited<ReturnType<typeof bpfdeckRun>> | undefined;
      let p: Side | undefined;
      let pStart: Side | undefined;
      for (const side of order) {
        if (side === 'bpfdeck') b = await bpfdeckRun(toolId, hostIds, names);
        else {
          p = await psshRun(script, tool.env ?? {}, hostNames, dir, 'attach');
          // the plain-timeout variant once: it shows what counting from the start costs
          if (trial === 0) {
            await new Promise((r) => setTimeout(r, 3000));
            pStart = await psshRun(script, tool.env ?? {}, hostNames, dir, 'start');
          }
        }
        await new Promise((r) => setTimeout(r, 3000)); // let the last bpftrace processes leave
      }
      ratios.push(b!.wallMs / p!.wallMs);
      console.log(` trial ${trial + 1}/${TRIALS}`);
      console.log(line('bpfdeck', b!, hostNames));
      console.log(line('pssh', p!, hostNames));
      if (pStart) console.log(line('pssh-t', pStart, hostNames));
      console.log(
        `  ratio    bpfdeck/pssh wall ${(b!.wallMs / p!.wallMs).toFixed(3)}x (both trace ${DURATION_SEC} s from attachment)` +
          (pStart ? `   bpfdeck/pssh-t ${(b!.wallMs / pStart.wallMs).toFixed(3)}x (pssh-t: timeout ${DURATION_SEC} s from bpftrace's start)` : ''),
      );
      console.log(
        `  memory   server peak RSS growth ${MB(b!.peakRssGrowth)} MB = ${MB(b!.peakRssGrowth / concurrent)} MB per concurrent host (${concurrent}; target < 5 MB); ` +
          `at that peak: JS heap used +${MB(b!.peakHeapGrowth)} MB of +${MB(b!.peakHeapTotalGrowth)} MB reserved, buffers +${MB(b!.peakBuffersGrowth)} MB`,
      );
      for (const [side, x] of [
        ['bpfdeck', b!],
        ['pssh', p!],
        ['pssh-t', pStart],
      ] as const) {
        for (const [h, why] of x?.failed.slice(0, 5) ?? []) console.log(`  ${side} failed: ${h}: ${why}`);
      }
    }
    console.log(`  median bpfdeck/pssh wall over ${TRIALS} trials: ${q(ratios, 0.5).toFixed(3)}x (target <= 1.1x)`);
  }
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`data dir ${dataDir}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
