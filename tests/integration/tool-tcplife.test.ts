/**
 * tcplife on the real fleet: a run through the service while the test's own workload makes N loopback
 * TCP sessions (IPv4 and IPv6) of known byte counts, from a client with a unique comm to a server
 * process with another. Only rows of those two pids are looked at.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, registerFleetHost, useTempDataDir } from './helpers';
import type { TcplifeResult } from '@/lib/tools/tcplife/parse';

const WORKLOAD = path.join(process.cwd(), 'tests/fixtures/tcplife/tcp-sessions.cjs');
const SESSIONS = 8;

interface Workload {
  clientPid: number;
  serverPid: number;
  sessions: Array<{ family: number; laddr: string; lport: number; raddr: string; rport: number; sent: number; received: number }>;
}

beforeAll(() => {
  useTempDataDir('tcplife');
});

afterAll(async () => {
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
});

function runWorkload(clientComm: string, serverComm: string): Promise<Workload> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WORKLOAD, String(SESSIONS), clientComm, serverComm, '20'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`workload failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout) as Workload);
    });
  });
}

async function tcplifeOnce(fleetName: string) {
  const { startRun, waitForRun, getRunResult } = await import('@/lib/runs/service');
  const { runBus } = await import('@/lib/runs/bus');
  const { hostId } = await registerFleetHost(fleetName, { check: true });
  const tag = Date.now().toString(36).slice(-5);
  // comm: at most 15 bytes, unique to this run; the client's holds a unit separator and a comma
  const clientComm = `tl\x1f${tag},c`;
  const serverComm = `tls-${tag}`;
  const run = await startRun({ hostId, toolId: 'tcplife', durationSec: 10 }, 'it');
  // attached_probes is printed just before attaching: allow the attach some time after it
  await pollUntil(
    async () => runBus.state(run.id)?.progress?.records ?? 0,
    (n) => n >= 1,
    30_000,
    100,
  );
  await new Promise((r) => setTimeout(r, 2_000));
  const wl = await runWorkload(clientComm, serverComm);
  const done = await waitForRun(run.id, 90_000);
  const result = (await getRunResult(run.id)) as TcplifeResult;
  return { done, result, wl, clientComm, serverComm };
}

const within1pct = (got: unknown, want: number) => {
  expect(typeof got).toBe('number');
  expect(Math.abs((got as number) - want) / want).toBeLessThan(0.01);
};

function check(res: Awaited<ReturnType<typeof tcplifeOnce>>, version: string) {
  const { done, result, wl, clientComm, serverComm } = res;
  expect(done.status, done.errorMessage ?? '').toBe('completed');
  expect(done.variantId).toBe('tcplife');
  expect(result.unparsedEvents).toBe(0);
  expect(wl.sessions).toHaveLength(SESSIONS);
  let exact = 0;
  for (const s of wl.sessions) {
    const fam = s.family === 4 ? 'IPv4' : 'IPv6';
    const client = result.rows.filter((r) => r.pid === wl.clientPid && r.lport === s.lport && r.rport === s.rport);
    const server = result.rows.filter((r) => r.pid === wl.serverPid && r.lport === s.rport && r.rport === s.lport);
    expect(client, `client side of ${JSON.stringify(s)}`).toHaveLength(1);
    expect(server, `server side of ${JSON.stringify(s)}`).toHaveLength(1);
    expect(client[0]).toMatchObject({ comm: clientComm, dir: 'out', family: fam, laddr: s.laddr, raddr: s.raddr });
    expect(server[0]).toMatchObject({ comm: serverComm, dir: 'in', family: fam, laddr: s.raddr, raddr: s.laddr });
    within1pct(client[0].txBytes, s.sent);
    within1pct(client[0].rxBytes, s.received);
    within1pct(server[0].txBytes, s.received);
    within1pct(server[0].rxBytes, s.sent);
    // sequence space: SYN + FIN acked by the peer, the peer's FIN received
    if (client[0].txBytes === s.sent + 2 && client[0].rxBytes === s.received + 1) exact++;
    expect(client[0].durationMs as number).toBeGreaterThan(0);
    expect(client[0].durationMs as number).toBeLessThan(5_000);
  }
  console.log(
    `tcplife ${version}: ${SESSIONS} of ${SESSIONS} sessions seen from both ends; ${exact} with bytes exactly payload + SYN/FIN; ` +
      `${result.eventsSeen} sessions in the run (machine-wide), lost events ${result.stats.lostEvents}`,
  );
  // the graph: the client process reaches both services (IPv4 and IPv6 ports)
  const fromClient = result.graph.edges.filter((e) => e.source === `p:${wl.clientPid}:${clientComm}`);
  expect(fromClient.reduce((a, e) => a + e.connections, 0)).toBe(SESSIONS);
  expect(fromClient.reduce((a, e) => a + e.txBytes, 0)).toBeGreaterThanOrEqual(wl.sessions.reduce((a, s) => a + s.sent, 0));
}

describe('tcplife on real hosts', () => {
  it('bpftrace 0.17 (fleet11): every loopback session, both ends, bytes within 1 %', async () => {
    check(await tcplifeOnce('fleet11'), '0.17');
  });

  it('bpftrace 0.23 (fleet21): the same', async () => {
    check(await tcplifeOnce('fleet21'), '0.23');
  });
});
