/**
 * Fleet runs against the real test fleet (scripts/fleet/fleet-up.sh): one request, one run per host,
 * over plain hosts, fleet21 (bpftrace 0.23), fleet49 behind the bastion fleet45, fleet47 (passphrase
 * key) and fleet48 (a key in an ssh-agent this test starts), with broken hosts among them: each of
 * those fails with its own reason while the others complete. Also: cancel of every host (maps kept),
 * the fan-out limit seen in the runs' own timestamps, 500 selected hosts, the fleet report.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetHost, readHostPublicKey } from './fleet';
import { pollUntil, samplesInFrame, startBusyLoop, useTempDataDir } from './helpers';
import type { PublicFleetRun, FleetToolResults } from '@/lib/fleet/types';
import type { ProfileResult } from '@/lib/tools/types';
import type { TcplifeResult } from '@/lib/tools/tcplife/parse';

let agentDir = '';
let agentSock = '';
let agent: ChildProcess | null = null;
/** identity ids: the fleet's plain client key, the passphrase key, the agent */
const ids = { plain: '', enc: '', agent: '' };
const read = (p: string) => fs.readFileSync(p, 'utf8');
const clientDir = () => path.dirname(fleetClientKeyPath());
const suffix = Math.random().toString(36).slice(2, 7);

beforeAll(async () => {
  useTempDataDir('fleetruns');
  agentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-it-fleetagent-'));
  agentSock = path.join(agentDir, 'agent.sock');
  // before lib/env is first read
  process.env.BPFDECK_SSH_AGENT_SOCKETS = agentSock;
  // short, so that hosts waiting their turn longer than this would fail if waiting counted (500 hosts)
  process.env.BPFDECK_SSH_CONNECT_TIMEOUT_MS = '4000';
  agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  await pollUntil(
    async () => fs.existsSync(agentSock),
    (x) => x,
    5000,
    50,
  );
  execFileSync('ssh-add', [path.join(clientDir(), 'id_ed25519_agent')], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, stdio: 'pipe' });
  const { createIdentity } = await import('@/lib/hosts/identities');
  ids.plain = (await createIdentity({ name: 'fleet-client', kind: 'key', privateKey: read(fleetClientKeyPath()) })).id;
  const encPath = path.join(clientDir(), 'id_ed25519_enc');
  ids.enc = (await createIdentity({ name: 'fleet-enc', kind: 'key', privateKey: read(encPath), passphrase: read(`${encPath}.passphrase`).trim() })).id;
  ids.agent = (await createIdentity({ name: 'fleet-agent', kind: 'agent', agentSocket: agentSock })).id;
});

afterAll(async () => {
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(20_000);
  agent?.kill('SIGTERM');
  fs.rmSync(agentDir, { recursive: true, force: true });
});

interface AddOpts {
  name?: string;
  identityId?: string;
  tags?: Record<string, string>;
  jumpHostIds?: string[];
  /** scan (through the jump hosts) and pin the key the host's own key file has (default) */
  pin?: boolean;
  /** pin this fleet host's key instead, without contacting anyone (a key that does not match) */
  pinKeyOf?: string;
  username?: string;
  address?: string;
  port?: number;
  check?: boolean;
}

async function addHost(fleetName: string, opts: AddOpts = {}): Promise<string> {
  const { createHost, scanHostKey, acceptHostKey, checkHost } = await import('@/lib/hosts/service');
  const { hostKeyFromPublicKeyLine } = await import('@/lib/ssh/hostkey');
  const { db } = await import('@/lib/db/client');
  const f = fleetHost(fleetName);
  const h = await createHost({
    name: opts.name ?? `${fleetName}-${suffix}`,
    address: opts.address ?? f.address,
    port: opts.port ?? f.port,
    username: opts.username ?? f.user,
    identityId: opts.identityId ?? ids.plain,
    jumpHostIds: opts.jumpHostIds,
    tags: opts.tags,
  });
  if (opts.pinKeyOf) {
    const k = hostKeyFromPublicKeyLine(readHostPublicKey(fleetHost(opts.pinKeyOf)));
    await db().host.update({
      where: { id: h.id },
      data: { hostKeyAlgo: k.algo, hostKeyBlob: k.blobBase64, hostKeyFingerprint: k.fingerprint, hostKeyPinnedAt: new Date() },
    });
  } else if (opts.pin !== false) {
    const offered = await scanHostKey(h.id);
    expect(offered.fingerprint).toBe(hostKeyFromPublicKeyLine(readHostPublicKey(f)).fingerprint);
    await acceptHostKey(h.id, offered.fingerprint);
  }
  if (opts.check) await checkHost(h.id);
  return h.id;
}

/** Loopback TCP sessions to our own listener, every 300 ms until stopped: each host's tcplife sees them (one kernel). */
async function tcpTraffic(): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = net.createServer((s) => {
    s.on('data', () => {});
    s.end('pong');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const timer = setInterval(() => {
    const c = net.connect(port, '127.0.0.1', () => c.end('ping'));
    c.on('error', () => {});
    c.on('data', () => {});
  }, 300);
  return {
    port,
    stop: async () => {
      clearInterval(timer);
      await new Promise((r) => server.close(() => r(null)));
    },
  };
}

const hostOf = (f: PublicFleetRun, name: string) => {
  const h = f.hosts.find((x) => x.hostName === name);
  expect(h, `${name} in the fleet run`).toBeDefined();
  return h!;
};

describe('a fleet run over the real fleet, with broken hosts among it', () => {
  const good = ['fleet11', 'fleet12', 'fleet13', 'fleet21', ...Array.from({ length: 14 }, (_, i) => `fleet${31 + i}`), 'fleet47', 'fleet48', 'fleet49'];
  let fleet: PublicFleetRun;
  let port = 0;

  beforeAll(async () => {
    const web = { role: 'web' };
    for (const n of good.filter((n) => !['fleet47', 'fleet48', 'fleet49'].includes(n))) await addHost(n, { tags: { ...web, az: n === 'fleet21' ? 'b' : 'a' } });
    await addHost('fleet47', { identityId: ids.enc, tags: web });
    await addHost('fleet48', { identityId: ids.agent, tags: web });
    const bastion = await addHost('fleet45', { tags: { role: 'bastion' } });
    await addHost('fleet49', { jumpHostIds: [bastion], tags: web });
    // fleet14's user has no sudo rule: its check says so, and the fleet run skips it with that reason
    await addHost('fleet14', { tags: web, check: true });
    // broken ones, each its own way
    await addHost('fleet11', { name: `unreachable-${suffix}`, address: '127.0.0.1', port: 1, pinKeyOf: 'fleet11', tags: web });
    await addHost('fleet12', { name: `wronguser-${suffix}`, username: 'fleet99', tags: web });
    await addHost('fleet13', { name: `wrongkey-${suffix}`, pinKeyOf: 'fleet11', tags: web });
    await addHost('fleet31', { name: `unpinned-${suffix}`, pin: false, tags: web });
    // All these hosts share this machine's 2 cores: 21 first-time preflights and bpftrace 0.17 starts at
    // once take seconds to attach (the duration counts from the attachment). 8 at a time.
    const { setSetting } = await import('@/lib/settings');
    await setSetting('fleet.fanout', 8, 'it');

    const { startFleetRun, waitForFleetRun } = await import('@/lib/fleet/service');
    const traffic = await tcpTraffic();
    port = traffic.port;
    try {
      const started = await startFleetRun({ selector: 'role=web', toolIds: ['tcplife'], durationSec: 10 }, 'it');
      expect(started.status).toBe('running');
      expect(started.hosts).toHaveLength(good.length + 5);
      fleet = await waitForFleetRun(started.id, 240_000);
    } finally {
      await traffic.stop();
    }
  });

  it('every good host completed, each with its own tcplife result that saw our sessions', async () => {
    const { fleetResultsJson } = await import('@/lib/fleet/service');
    for (const n of good) {
      const h = hostOf(fleet, `${n}-${suffix}`);
      expect(h.runs).toHaveLength(1);
      expect(h.runs[0].status, `${n}: ${h.runs[0].errorMessage}`).toBe('completed');
      // its own preflight ran and recorded the CPU count
      expect(h.cpuCount).toBe(os.cpus().length);
    }
    expect(hostOf(fleet, `fleet21-${suffix}`).runs[0].variantId).toMatch(/^tcplife/);
    const res = JSON.parse(await fleetResultsJson(fleet.id, 'tcplife')) as FleetToolResults;
    expect(res.toolId).toBe('tcplife');
    for (const n of good) {
      const r = res.hosts.find((x) => x.hostName === `${n}-${suffix}`)!;
      expect(r.status).toBe('completed');
      expect(r.addresses).toEqual([fleetHost(n).address]);
      const result = r.result as TcplifeResult;
      expect(result.kind).toBe('connections');
      expect(
        result.rows.some((row) => row.rport === port || row.lport === port),
        `${n} saw a session to port ${port}`,
      ).toBe(true);
    }
  });

  it('each broken host failed with its own reason; the skipped one says why', () => {
    const reason = (name: string) => {
      const h = hostOf(fleet, `${name}-${suffix}`);
      expect(h.runs).toHaveLength(1);
      expect(h.runs[0].status).toBe('failed');
      return h.runs[0].errorMessage ?? '';
    };
    expect(reason('unreachable')).toBe(`unreachable-${suffix} (127.0.0.1:1) refused the connection (is sshd listening on that port?)`);
    expect(reason('wronguser')).toMatch(/^SSH login to .* was refused: the server did not accept the user and private key/);
    expect(reason('wrongkey')).toMatch(/^host key of .* has changed: pinned SHA256:\S+ \(ssh-ed25519\), offered SHA256:/);
    expect(reason('unpinned')).toBe(`the host key of unpinned-${suffix} is not pinned yet: check and accept its fingerprint first`);
    // four different messages: none of them is a generic "failed"
    expect(new Set(['unreachable', 'wronguser', 'wrongkey', 'unpinned'].map(reason)).size).toBe(4);
    const skipped = hostOf(fleet, `fleet14-${suffix}`);
    expect(skipped.runs).toEqual([]);
    expect(skipped.skipped).toEqual([{ toolId: 'tcplife', reason: expect.stringMatching(/sudo/) }]);
  });

  it('the fleet status is partial, the counts add up, and the bastion (not selected) is not in it', () => {
    expect(fleet.status).toBe('partial');
    expect(fleet.counts).toEqual({ queued: 0, connecting: 0, running: 0, completed: good.length, failed: 4, cancelled: 0, skipped: 1 });
    expect(fleet.hosts.some((h) => h.hostName.startsWith('fleet45'))).toBe(false);
    expect(fleet.endedAt).not.toBeNull();
    expect(fleet.fanout).toBe(8);
  });

  it('its report was made when the last host ended: every host, every result, immutable', async () => {
    const { listFleetRuns } = await import('@/lib/fleet/service');
    const { getReport } = await import('@/lib/reports/read');
    const { fleetReportResultsJson } = await import('@/lib/fleet/report');
    const { createFleetReport } = await import('@/lib/fleet/report');
    // made right after the last host's run ended (not holding up its "done")
    const line = await pollUntil(
      async () => (await listFleetRuns({ limit: 5 })).fleetRuns.find((f) => f.id === fleet.id)!,
      (l) => l.reportId !== null,
      60_000,
      200,
    );
    expect(await createFleetReport(fleet.id, { force: true })).toEqual({ id: line.reportId, created: false });
    const report = await getReport(line.reportId!);
    expect(report.kind).toBe('fleet');
    expect(report.fleet!.fleetRunId).toBe(fleet.id);
    expect(report.fleet!.hosts).toHaveLength(fleet.hosts.length);
    expect(report.fleet!.results.tcplife).toHaveLength(good.length + 4);
    const h11 = report.fleet!.hosts.find((h) => h.hostName === `fleet11-${suffix}`)!;
    expect(h11.items).toEqual([
      { toolId: 'tcplife', runId: hostOf(fleet, `fleet11-${suffix}`).runs[0].id, status: 'completed', errorMessage: null, hasResult: true },
    ]);
    expect(h11.bpftraceVersion).toMatch(/^0\.17/);
    expect(report.fleet!.hosts.find((h) => h.hostName === `fleet21-${suffix}`)!.bpftraceVersion).toMatch(/^0\.23/);
    // one host's part is an ordinary report with its own raw output
    const own = await getReport(h11.reportId!);
    expect(own.kind).toBe('fleet-host');
    expect(own.parentReportId).toBe(report.id);
    expect(own.items[0].raw?.available).toBe(true);
    const one = JSON.parse(await fleetReportResultsJson(report.id, 'tcplife')) as FleetToolResults;
    expect(one.hosts.map((x) => x.hostName).sort()).toEqual(report.fleet!.results.tcplife.map((x) => x.hostName).sort());
    // a renamed host later does not change the report
    const { updateHost } = await import('@/lib/hosts/service');
    await updateHost(hostOf(fleet, `fleet11-${suffix}`).hostId, { name: `renamed-${suffix}` });
    expect((await getReport(report.id)).fleet!.hosts.some((h) => h.hostName === `fleet11-${suffix}`)).toBe(true);
  });
});

describe('fan-out, cancel, bad input', () => {
  const names = ['fleet31', 'fleet32', 'fleet33', 'fleet34', 'fleet35', 'fleet36', 'fleet37'];
  beforeAll(async () => {
    for (const n of names) await addHost(n, { name: `fan-${n}-${suffix}`, tags: { group: 'fan' } });
  });

  it('at most `fanout` hosts execute at once (seen from the runs own timestamps), and all complete', async () => {
    const { setSetting } = await import('@/lib/settings');
    const { startFleetRun, waitForFleetRun } = await import('@/lib/fleet/service');
    await setSetting('fleet.fanout', 3, 'it');
    const started = await startFleetRun({ selector: 'group=fan', toolIds: ['tcplife'], durationSec: 10 }, 'it');
    expect(started.fanout).toBe(3);
    const f = await waitForFleetRun(started.id, 240_000);
    expect(f.status).toBe('completed');
    const spans = f.hosts.map((h) => [Date.parse(h.runs[0].startedAt!), Date.parse(h.runs[0].endedAt!)] as const);
    const events = spans.flatMap(([s, e]) => [
      [s, 1],
      [e, -1],
    ]) as Array<[number, number]>;
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let max = 0;
    for (const [, d] of events) max = Math.max(max, (now += d));
    expect(max).toBeLessThanOrEqual(3);
    // and it did fan out: 7 runs of 10 s do not go one at a time
    expect(max).toBeGreaterThanOrEqual(2);
  });

  it('cancel stops every host: executing ones keep their maps, queued ones never start', async () => {
    const { setSetting } = await import('@/lib/settings');
    const { startFleetRun, waitForFleetRun, getFleetRun, cancelFleetRun } = await import('@/lib/fleet/service');
    await setSetting('fleet.fanout', 2, 'it');
    const busy = startBusyLoop(60);
    try {
      const started = await startFleetRun({ selector: 'group=fan', toolIds: ['profile'], durationSec: 60 }, 'it');
      // two hosts tracing (their probes attached: the first record came) for a few seconds; profile
      // prints its maps only at exit: that is what cancel must keep
      const { runBus } = await import('@/lib/runs/bus');
      const attachedAt = new Map<string, number>();
      await pollUntil(
        async () => {
          for (const h of (await getFleetRun(started.id)).hosts) {
            const r = h.runs[0];
            if (!attachedAt.has(r.id) && (runBus.state(r.id)?.progress?.records ?? 0) > 0) attachedAt.set(r.id, Date.now());
          }
          return [...attachedAt.values()].filter((t) => Date.now() - t > 3000).length;
        },
        (n) => n === 2,
        180_000,
        250,
      );
      const after = await cancelFleetRun(started.id);
      expect(after.cancelRequested).toBe(true);
      const f = await waitForFleetRun(started.id, 120_000);
      expect(f.status).toBe('cancelled');
      const runs = f.hosts.map((h) => h.runs[0]);
      expect(runs.every((r) => r.status === 'cancelled')).toBe(true);
      const traced = runs.filter((r) => r.startedAt !== null);
      expect(traced).toHaveLength(2);
      const { getRunResult } = await import('@/lib/runs/service');
      for (const r of traced) {
        expect(r.hasResult).toBe(true);
        const result = (await getRunResult(r.id)) as ProfileResult;
        expect(samplesInFrame(result.root, 'bpfdeck_busy_loop')).toBeGreaterThan(0);
      }
      for (const r of runs.filter((x) => x.startedAt === null)) expect(r.errorMessage).toBe('cancelled before it started');
      const { AppError } = await import('@/lib/errors');
      await expect(cancelFleetRun(started.id)).rejects.toBeInstanceOf(AppError);
    } finally {
      busy.kill('SIGKILL');
    }
  });

  it('the live stream: a snapshot, every run event tagged with runId and hostId, each done, then the fleet run', async () => {
    const { setSetting } = await import('@/lib/settings');
    const { startFleetRun } = await import('@/lib/fleet/service');
    const { fleetEventsResponse } = await import('@/lib/fleet/events');
    await setSetting('fleet.fanout', 2, 'it');
    const { listHosts } = await import('@/lib/hosts/service');
    const two = (await listHosts({ selector: 'group=fan' })).slice(0, 2).map((h) => h.id);
    const started = await startFleetRun({ hostIds: two, toolIds: ['tcplife'], durationSec: 10 }, 'it');
    const ac = new AbortController();
    const res = await fleetEventsResponse(new Request('http://x/', { signal: ac.signal }), started.id, { partials: false });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let text = '';
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({ name: m[1], data: JSON.parse(m[2]) }));
    expect(events[0].name).toBe('snapshot');
    expect(events[0].data.id).toBe(started.id);
    expect(events.at(-1)!.name).toBe('fleet');
    expect(events.at(-1)!.data.status).not.toBe('running');
    const runIds = new Set(started.hosts.map((h) => h.runs[0].id));
    const middle = events.slice(1, -1);
    expect(middle.length).toBeGreaterThan(4);
    for (const e of middle) {
      expect(['run', 'progress', 'done']).toContain(e.name); // no partials: asked so
      expect(runIds.has(e.data.runId)).toBe(true);
      expect(started.hosts.find((h) => h.runs[0].id === e.data.runId)!.hostId).toBe(e.data.hostId);
    }
    expect(
      middle
        .filter((e) => e.name === 'done')
        .map((e) => e.data.runId)
        .sort(),
    ).toEqual([...runIds].sort());
    expect(middle.some((e) => e.name === 'progress' && e.data.progress.records > 0)).toBe(true);
  });

  it('bad input: a selector matching nothing, unknown tools and hosts, durations out of range', async () => {
    const { startFleetRun } = await import('@/lib/fleet/service');
    const { HTTP_STATUS } = await import('@/lib/errors');
    const err = (p: Promise<unknown>) =>
      p.then(
        () => ({ code: 'none', message: 'succeeded' }) as { code: string; message: string },
        (e) => e,
      );
    const none = await err(startFleetRun({ selector: 'role=nosuchrole', toolIds: ['tcplife'], durationSec: 5 }, 'it'));
    expect(none.code).toBe('empty_selection');
    expect(HTTP_STATUS.empty_selection).toBe(400);
    expect(none.message).toMatch(/^the selector "role=nosuchrole" matches no host: nothing to run/);
    expect((await err(startFleetRun({ selector: 'role=[web]', toolIds: ['tcplife'], durationSec: 5 }, 'it'))).message).toMatch(/^selector: term 1/);
    expect((await err(startFleetRun({ selector: 'group=fan', toolIds: ['nosuch'], durationSec: 5 }, 'it'))).message).toBe('toolIds: unknown tool nosuch');
    expect((await err(startFleetRun({ selector: 'group=fan', toolIds: ['tcplife', 'tcplife'], durationSec: 5 }, 'it'))).message).toBe(
      'toolIds: tcplife is listed twice',
    );
    expect((await err(startFleetRun({ selector: 'group=fan', toolIds: ['profile'], durationSec: 5 }, 'it'))).message).toMatch(/runs for 10 to 60 s/);
    expect((await err(startFleetRun({ hostIds: ['AAAAAAAAAAAAAAAAAAAAAA'], toolIds: ['tcplife'], durationSec: 5 }, 'it'))).message).toBe(
      'hostIds: no host with id AAAAAAAAAAAAAAAAAAAAAA',
    );
  });
});

describe('the CLI: bpfdeck run --hosts', () => {
  /** `node bin/bpfdeck.mjs ...` in a child process on this test's database, as a person types it */
  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(process.cwd(), 'bin/bpfdeck.mjs'), ...args], {
        env: { ...process.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b) => (stdout += b));
      child.stderr.on('data', (b) => (stderr += b));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('per-host progress lines, a final per-host table, exit 0 when every host completed', async () => {
    const { setSetting } = await import('@/lib/settings');
    await setSetting('fleet.fanout', 4, 'it');
    const r = await cli(['run', '--hosts', 'group=fan', '--tool', 'tcplife', '--duration', '10']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^bpfdeck: fleet run \S{22}: tcplife on 7 hosts for 10 s \(7 runs, 4 hosts at a time\)$/m);
    for (const n of ['fleet31', 'fleet37']) {
      // a state line before the end (which ones a 250 ms poll sees depends on timing), then the end
      expect(r.stderr).toMatch(new RegExp(`^bpfdeck: fan-${n}-${suffix} tcplife: (queued|connecting|running)`, 'm'));
      expect(r.stderr).toMatch(new RegExp(`^bpfdeck: fan-${n}-${suffix} tcplife: completed: \\d+ records, 0 lost$`, 'm'));
    }
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^HOST\s+TOOL\s+STATUS\s+VARIANT\s+RECORDS\s+LOST\s+DETAIL$/);
    expect(lines.slice(1, -1)).toHaveLength(7);
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/^fan-fleet\d\d-\S+\s+tcplife\s+completed\s+tcplife\S*\s+\d+\s+0\s+-$/);
    expect(lines.at(-1)).toMatch(/^fleet run \S{22} completed: 7 completed, 0 failed, 0 cancelled, 0 skipped, on 7 hosts \(fan-out 4\)$/);
  });

  it('exit 1 when a host failed (its reason in the table), or when the selector matches nothing', async () => {
    const bad = await cli(['run', '--hosts', `name=wrongkey-${suffix}`, '--tool', 'tcplife', '--duration', '5']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      new RegExp(`^wrongkey-${suffix}\\s+tcplife\\s+failed\\s+\\S+\\s+0\\s+0\\s+host key of wrongkey-${suffix} \\(127\\.0\\.0\\.13:22\\) has changed`, 'm'),
    );
    expect(bad.stderr).toMatch(/not every host completed \(fleet run \S{22} failed\)/);
    const none = await cli(['run', '--hosts', 'role=nosuchrole', '--tool', 'tcplife', '--duration', '5']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^bpfdeck: the selector "role=nosuchrole" matches no host: nothing to run/m);
  });

  it('--export csv carries a host column', async () => {
    const out = path.join(os.tmpdir(), `bpfdeck-it-fleet-${suffix}.csv`);
    const traffic = await tcpTraffic();
    try {
      const r = await cli(['run', '--hosts', `name=fan-fleet3?-${suffix}`, '--tool', 'tcplife', '--duration', '10', '--export', 'csv', '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      const csv = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
      expect(csv[0]).toMatch(/^host,/);
      const names = new Set(['fleet31', 'fleet32', 'fleet33', 'fleet34', 'fleet35', 'fleet36', 'fleet37'].map((n) => `fan-${n}-${suffix}`));
      const hosts = new Set(csv.slice(1).map((l) => l.split(',')[0]));
      for (const h of hosts) expect(names.has(h), h).toBe(true);
      expect(hosts.size).toBeGreaterThanOrEqual(2);
    } finally {
      await traffic.stop();
      fs.rmSync(out, { force: true });
    }
  });
});

describe('500 hosts selected at once', () => {
  it('queue and fan out: hosts that wait longer than the connect timeout do not time out', async () => {
    const { db } = await import('@/lib/db/client');
    const { newId } = await import('@/lib/ids');
    const { hostKeyFromPublicKeyLine } = await import('@/lib/ssh/hostkey');
    const { setSetting } = await import('@/lib/settings');
    const { startFleetRun, waitForFleetRun } = await import('@/lib/fleet/service');
    const { runner } = await import('@/lib/runs/service');
    await setSetting('fleet.fanout', 4, 'it');
    // first in name order: 4 real hosts tracing for 10 s take every slot, longer than the 4 s connect timeout
    for (const n of ['fleet41', 'fleet42', 'fleet43', 'fleet44']) await addHost(n, { name: `a-big-${n}-${suffix}`, tags: { batch: 'big' } });
    // then 492 hosts on loopback ports nothing listens on: refused at once. Below the kernel's ephemeral
    // range (32768-60999 here): a connect to a port in it can meet itself (TCP self-connect) and succeed
    // (seen: "port 40120 is free" failed)
    const k = hostKeyFromPublicKeyLine(readHostPublicKey(fleetHost('fleet11')));
    await db().host.createMany({
      data: Array.from({ length: 492 }, (_, i) => ({
        id: newId(),
        name: `m-big-${String(i).padStart(3, '0')}-${suffix}`,
        address: '127.0.0.1',
        port: 20000 + i,
        username: 'nobody',
        identityId: ids.plain,
        tagsJson: JSON.stringify({ batch: 'big' }),
        hostKeyAlgo: k.algo,
        hostKeyBlob: k.blobBase64,
        hostKeyFingerprint: k.fingerprint,
        hostKeyPinnedAt: new Date(),
      })),
    });
    // and last, 4 real hosts that wait for all of the above
    for (const n of ['fleet38', 'fleet39', 'fleet40', 'fleet12']) await addHost(n, { name: `z-big-${n}-${suffix}`, tags: { batch: 'big' } });
    for (let i = 20000; i < 20492; i++) {
      // nothing may listen there (else the test would not be about refused ports)
      const open = await new Promise<boolean>((r) => {
        const c = net.connect(i, '127.0.0.1', () => (c.destroy(), r(true)));
        c.on('error', () => r(false));
      });
      expect(open, `port ${i} is free`).toBe(false);
    }
    const started = await startFleetRun({ selector: 'batch=big', toolIds: ['tcplife'], durationSec: 10 }, 'it');
    expect(started.hosts).toHaveLength(500);
    expect(started.counts.queued).toBe(500);
    let maxHosts = 0;
    const f = await waitForFleetRun(started.id, 600_000, () => {
      maxHosts = Math.max(maxHosts, runner().activeHostsOf(started.id));
    });
    expect(maxHosts).toBeLessThanOrEqual(4);
    const real = f.hosts.filter((h) => !h.hostName.startsWith('m-big-'));
    for (const h of real) expect(h.runs[0].status, `${h.hostName}: ${h.runs[0].errorMessage}`).toBe('completed');
    // the last four started only after one of the first four had ended, which ran for 10 s: they
    // waited longer than the 4 s connect timeout, and waiting did not count against it
    const firstEnded = Math.min(...f.hosts.filter((h) => h.hostName.startsWith('a-big-')).map((h) => Date.parse(h.runs[0].endedAt!)));
    for (const h of f.hosts.filter((x) => x.hostName.startsWith('z-big-'))) expect(Date.parse(h.runs[0].startedAt!)).toBeGreaterThan(firstEnded);
    for (const h of f.hosts.filter((x) => x.hostName.startsWith('a-big-'))) {
      expect(Date.parse(h.runs[0].endedAt!) - Date.parse(h.runs[0].startedAt!)).toBeGreaterThanOrEqual(10_000);
    }
    const refused = f.hosts.filter((h) => h.hostName.startsWith('m-big-')).map((h) => h.runs[0]);
    expect(refused).toHaveLength(492);
    for (const r of refused) {
      expect(r.status).toBe('failed');
      expect(r.errorMessage).toMatch(/refused/i);
      expect(r.errorMessage).not.toMatch(/timed out|timeout/i);
    }
    expect(f.counts).toMatchObject({ completed: 8, failed: 492, queued: 0, connecting: 0, running: 0 });
  });
});
