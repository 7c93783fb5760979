/**
 * The bpfdeck CLI for real: `npx bpfdeck` as a user types it (a child process, the bin running the
 * TypeScript sources through tsx), against a database holding real fleet hosts, with real bpftrace
 * runs locally (as root) and over SSH. Workloads are our own (unique comm, directory under /var/tmp).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetHost, listRemoteBpftrace } from './fleet';
import { kernelHasKprobePmu, requireExt4OnBlockDevice } from './host-facts';
import { pollUntil, registerFleetHost, useTempDataDir } from './helpers';
import { describeTestDatabase } from './pg';
import { runExt4Workload, type Ext4Workload } from '../fixtures/ext4slower/workload';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { getTool, listTools } from '@/lib/tools/catalog';
import type { Ext4SlowerResult } from '@/lib/tools/ext4slower/parse';

// what this machine offers: the ext4slower variant its kernel allows (kprobes or not), and the version
// of its own bpftrace (for --local runs)
const EXT4_VARIANT = kernelHasKprobePmu() ? 'ext4slower-kprobe' : 'ext4slower';
const EXT4_RESULT_VARIANT = kernelHasKprobePmu() ? 'kprobe' : 'tracepoint';
const LOCAL_BPFTRACE = /bpftrace v?(\d+\.\d+\.\d+)/.exec(execFileSync('bpftrace', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ROOT = process.cwd();
const BIN = path.join(ROOT, 'bin/bpfdeck.mjs');
const isRoot = process.getuid?.() === 0;
let dataDir = '';
const hostName = `cli-fleet11-${process.pid}`;
const noBpftraceName = `cli-fleet15-${process.pid}`;
const dirs: string[] = [];

beforeAll(async () => {
  dataDir = useTempDataDir('cli');
  await registerFleetHost('fleet11', { check: true, as: hostName });
  await registerFleetHost('fleet15', { check: true, as: noBpftraceName });
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface CliOpts {
  /** run `node bin/bpfdeck.mjs` from this directory instead of `npx bpfdeck` from the project */
  cwd?: string;
  env?: Record<string, string>;
  /** called with the child and stderr so far, on every stderr chunk */
  onStderr?: (stderr: string, pid: number) => void;
}

function cli(args: string[], opts: CliOpts = {}): Promise<CliResult> {
  // `npx bpfdeck --help` would be npx's own help: "--" hands everything after it to bpfdeck
  const [cmd, argv] = opts.cwd ? ['node', [BIN, ...args]] : ['npx', ['--no', '--', 'bpfdeck', ...args]];
  const child = spawn(cmd, argv, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, BPFDECK_DATA_DIR: dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => {
    stderr += b;
    opts.onStderr?.(stderr, child.pid!);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** workload.py in a fresh directory, removed afterwards */
async function runWorkload(dir: string, comm: string, mib: number): Promise<Ext4Workload> {
  dirs.push(dir);
  try {
    return await runExt4Workload(dir, comm, mib);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Start the workload once bpftrace has printed its first line (BEGIN: every probe is attached). */
function workloadWhenAttached(tag: string) {
  requireExt4OnBlockDevice('/var/tmp', 'the CLI tests of ext4slower (a workload of ext4 operations)');
  const comm = `cli${tag}${Date.now().toString(36).slice(-5)}`.slice(0, 15);
  let started: Promise<Awaited<ReturnType<typeof runWorkload>>> | null = null;
  return {
    comm,
    onStderr: (stderr: string) => {
      if (!started && /: ([2-9]|\d{2,}) records/.test(stderr)) {
        started = runWorkload(`/var/tmp/bpfdeck-cli-${tag}-${process.pid}-${Date.now().toString(36)}`, comm, 128);
      }
    },
    result: () => started,
  };
}

describe('bpfdeck: usage', () => {
  it('--help and no arguments', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^bpfdeck - run bpfdeck's bpftrace tools/);
    expect(help.stdout).toMatch(/usage: bpfdeck <command>/);
    const h = await cli(['help']);
    expect(h.stdout).toBe(help.stdout);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/bpfdeck: no command given\n\(see: bpfdeck --help\)/);
    const bad = await cli(['run', '--tool', 'ext4slower', '--local', '--duration', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--duration: whole seconds/);
    const range = await cli(['run', '--tool', 'ext4slower', '--local', '--param', 'minLatencyMs=-1']);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/minLatencyMs: a whole number from 0 to 60000/);
  });
});

describe('bpfdeck tools', () => {
  it("lists the catalog and each registered host's variants, from the server's database", async () => {
    const r = await cli(['tools', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.tools.map((t: { id: string }) => t.id)).toEqual(listTools().map((t) => t.id));
    expect(report.database).toBe(await describeTestDatabase(dataDir)); // the SQLite file, or the PostgreSQL URL
    const ok = report.hosts.find((h: { name: string }) => h.name === hostName);
    // the version fleet-up.sh recorded from the host's own bpftrace, and the variant its kernel allows
    expect(ok.bpftraceVersion).toBe(fleetHost('fleet11').bpftraceVersion);
    const variant = (id: string) => ok.tools.find((t: { id: string }) => t.id === id);
    const ext4Variant = EXT4_VARIANT;
    expect(variant('ext4slower')).toEqual({ id: 'ext4slower', variant: ext4Variant, reason: null });
    expect(variant('profile')).toEqual({ id: 'profile', variant: 'profile', reason: null });
    const none = report.hosts.find((h: { name: string }) => h.name === noBpftraceName);
    for (const t of none.tools) expect(t.reason).toMatch(/bpftrace is not installed on this host/);

    const text = await cli(['tools']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^TOOLS\n/);
    expect(text.stdout).toContain(`  ${hostName} (127.0.0.11:`);
    expect(text.stdout).toMatch(new RegExp(`ext4slower\\s+${ext4Variant}\\n`));
    expect(text.stdout).toMatch(/profile\s+cannot run: .*bpftrace is not installed/);
  });
});

describe('bpfdeck import', () => {
  it.each(['0.17.0', '0.23.2'])('decodes the committed profile capture of %s exactly as the in-process parser', async (v) => {
    const rel = `tests/fixtures/profile/${v}/profile.jsonl`;
    const r = await cli(['import', '--tool', 'profile', '--bpftrace-version', v, rel]);
    expect(r.code, r.stderr).toBe(0);
    const p = getTool('profile')!.createParser();
    for (const rec of decodeAll(fs.readFileSync(path.join(ROOT, rel)), { version: v })) p.push(rec);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(p.finish())));
    expect(r.stderr).toMatch(/profile: \d+ records decoded from \d+ bytes/);
  });

  it('works from another directory, with paths relative to it, and a missing file fails with exit 1', async () => {
    const r = await cli(['import', '--tool', 'ext4slower', '0.17.0/ext4slower.jsonl'], { cwd: path.join(ROOT, 'tests/fixtures/ext4slower') });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'events', eventsSeen: 50, thresholdMs: 1 });
    const missing = await cli(['import', '--tool', 'profile', 'nope.jsonl'], { cwd: os.tmpdir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT.*nope\.jsonl/);
  });

  it('streams: a 100+ MB capture is read with a small, flat heap', async () => {
    const one = fs.readFileSync(path.join(ROOT, 'tests/fixtures/profile/0.17.0/profile.jsonl'));
    const copies = Math.ceil((100 << 20) / one.length);
    const big = path.join(dataDir, 'big-profile.jsonl');
    const fd = fs.openSync(big, 'w');
    for (let i = 0; i < copies; i++) fs.writeSync(fd, one);
    fs.closeSync(fd);
    // A 64 MB heap cannot hold the file (the decoded lines alone would be several times that).
    const r = await cli(['import', '--tool', 'profile', big], { cwd: ROOT, env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    fs.rmSync(big);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.samplesInTree).toBe(1076 * copies);
  });
});

describe('bpfdeck run', () => {
  it('--local runs ext4slower on this machine and sees our slow fsync', async () => {
    // The suite runs as root (bpfdeck.sh test insists); say so plainly if it does not.
    expect(isRoot, '--local needs root: run the suite as root').toBe(true);
    const wl = workloadWhenAttached('l');
    const r = await cli(['run', '--tool', 'ext4slower', '--duration', '6', '--local', '--json'], { onStderr: wl.onStderr });
    expect(r.code, r.stderr).toBe(0);
    const w = await wl.result();
    expect(w, `workload never started; stderr:\n${r.stderr}`).not.toBeNull();
    const res = JSON.parse(r.stdout) as Ext4SlowerResult;
    expect(res).toMatchObject({ kind: 'events', thresholdMs: 10, variant: EXT4_RESULT_VARIANT });
    const fsync = res.rows.find((row) => row.pid === w!.pid && row.type === 'S');
    expect(fsync, JSON.stringify(res.rows.filter((row) => row.pid === w!.pid))).toMatchObject({ comm: wl.comm, file: '…/a/b/big.dat' });
    expect(r.stderr).toMatch(/checking what this machine offers/);
    // On a busy machine bpftrace may take longer than BPFDECK_STOP_GRACE_SEC to stop (see the next
    // test): then the run is still done, with a warning, and the rows above were all there.
    const stopped = /bpftrace ended ([\d.]+) s after SIGINT/.exec(r.stderr);
    expect(stopped, r.stderr).not.toBeNull();
    console.log(`ext4slower --local: bpftrace ended ${stopped![1]} s after SIGINT`);
    expect(r.stderr).toMatch(
      new RegExp(
        `local run done \\(variant ${EXT4_VARIANT}, bpftrace ${esc(LOCAL_BPFTRACE)}, exit (0\\)|null\\)\\nbpfdeck: warning: bpftrace had not stopped 60 s after SIGINT and was killed)`,
      ),
    );
  });

  it('--local: a bpftrace slower to stop than BPFDECK_STOP_GRACE_SEC is killed; the run keeps its rows and says what is missing', async () => {
    // ext4slower has 33 probes; bpftrace 0.17 closes them one by one after SIGINT, each close waiting
    // for a kernel grace period (~2.3 s in all on an idle machine): more than a 1 s grace.
    const wl = workloadWhenAttached('k');
    const r = await cli(['run', '--tool', 'ext4slower', '--duration', '6', '--local', '--json'], {
      onStderr: wl.onStderr,
      env: { BPFDECK_STOP_GRACE_SEC: '1' },
    });
    expect(r.code, r.stderr).toBe(0);
    const w = await wl.result();
    expect(w, `workload never started; stderr:\n${r.stderr}`).not.toBeNull();
    expect(r.stderr).toMatch(new RegExp(`local run done \\(variant ${EXT4_VARIANT}, bpftrace ${esc(LOCAL_BPFTRACE)}, exit null\\)`));
    expect(r.stderr).toMatch(/warning: bpftrace had not stopped 1 s after SIGINT and was killed .*everything it printed until then is kept/);
    const res = JSON.parse(r.stdout) as Ext4SlowerResult;
    expect(res.rows.find((row) => row.pid === w!.pid && row.type === 'S')).toMatchObject({ comm: wl.comm, file: '…/a/b/big.dat' });
    // the counters bpftrace prints at exit never came: no sudo here, the SIGKILL reached bpftrace
    expect(res.opsTraced).toBeNull();
  });

  it('--host runs through the service: recorded in the database, progress on stderr, the result on stdout', async () => {
    const wl = workloadWhenAttached('h');
    const r = await cli(['run', '--tool', 'ext4slower', '--duration', '6', '--host', hostName, '--param', 'minLatencyMs=5', '--json'], {
      onStderr: wl.onStderr,
    });
    expect(r.code, r.stderr).toBe(0);
    const w = await wl.result();
    expect(w, `workload never started; stderr:\n${r.stderr}`).not.toBeNull();
    const res = JSON.parse(r.stdout) as Ext4SlowerResult;
    expect(res).toMatchObject({ kind: 'events', thresholdMs: 5, variant: EXT4_RESULT_VARIANT });
    expect(res.rows.find((row) => row.pid === w!.pid && row.type === 'S')).toMatchObject({ comm: wl.comm, file: '…/a/b/big.dat' });
    expect(r.stderr).toMatch(/status running/);
    expect(r.stderr).toMatch(/tracing \(/);
    const m = new RegExp(`run (\\S+) completed \\(variant ${EXT4_VARIANT}`).exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const { getRun, getRunResult } = await import('@/lib/runs/service');
    const run = await getRun(m![1]);
    expect(run).toMatchObject({
      status: 'completed',
      toolId: 'ext4slower',
      hostName,
      requestedBy: `cli:${os.userInfo().username}`,
      params: { minLatencyMs: 5 },
    });
    expect(await getRunResult(run.id)).toEqual(res);
    // the report (made by the CLI's process) rebuilt the pushed text from the stored parameters
    const { findReportForRun, getReport } = await import('@/lib/reports/read');
    const link = await findReportForRun(run.id);
    expect(link.report, 'no report for the run').not.toBeNull();
    const report = await getReport(link.report!.id);
    expect(report.items[0]).toMatchObject({ scriptSha256: run.scriptSha256 });
    expect(report.items[0].scriptText).toMatch(/^#define MIN_LATENCY_MS 5$/m);
  });

  it('--host with an unknown name fails with exit 1 and the known names', async () => {
    const r = await cli(['run', '--tool', 'ext4slower', '--duration', '5', '--host', 'no-such-host', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no host named no-such-host in the database \(hosts: .*cli-fleet11/);
    expect(r.stdout).toBe('');
  });

  it('Ctrl-C cancels a host run: bpftrace stops on the host, the partial result is printed, exit 1', async () => {
    let sent = false;
    // `node bin/bpfdeck.mjs` (cwd given): the signal goes to the CLI itself, not to an npx wrapper
    const r = await cli(['run', '--tool', 'ext4slower', '--duration', '60', '--host', hostName, '--json'], {
      cwd: ROOT,
      onStderr: (stderr, pid) => {
        if (!sent && /: ([2-9]|\d{2,}) records/.test(stderr)) {
          sent = true;
          process.kill(pid, 'SIGINT');
        }
      },
    });
    expect(sent, r.stderr).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cancelling/);
    expect(r.stderr).toMatch(/run \S+ cancelled/);
    // bpftrace's exit-time maps arrived: the kernel counters are in the result
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'events', thresholdMs: 10, opsTraced: expect.any(Object) });
    const fleet = (await import('./fleet')).fleetHost('fleet11');
    const left = await pollUntil(
      () => listRemoteBpftrace(fleet, { onlyThisHost: true }),
      (l) => l.length === 0,
      15_000,
    );
    expect(left).toEqual([]);
  });
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('bpfdeck hosts --selector', () => {
  it('lists the hosts a selector picks, says plainly when it matches none, and names a bad term', async () => {
    const { updateHost, listHosts } = await import('@/lib/hosts/service');
    const h11 = (await listHosts()).find((h) => h.name === hostName)!;
    const h15 = (await listHosts()).find((h) => h.name === noBpftraceName)!;
    await updateHost(h11.id, { tags: { role: 'web', az: 'b' } });
    await updateHost(h15.id, { tags: { role: 'db', az: 'b' } });
    let r = await cli(['hosts', '--selector', 'role=web,az=b']);
    expect(r.code, r.stderr).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual([hostName]);
    expect(r.stdout).toContain('role=web,az=b'); // tags in the order they were given
    r = await cli(['hosts', '--selector', 'az=b', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((h) => h.name).sort()).toEqual([hostName, noBpftraceName].sort());
    r = await cli(['hosts', '--selector', 'role=cache']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('selector "role=cache" matches no host');
    r = await cli(['hosts', '--selector', 'role=[ab]']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('term 1 ("role=[ab]")');
  });
});
