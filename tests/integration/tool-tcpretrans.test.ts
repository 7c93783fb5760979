/**
 * tcpretrans on the real fleet: a run through the service while the test's own TCP transfer crosses a
 * veth pair between two network namespaces it made (10.231.241.1 <-> .2, nothing outside them), with
 * 10 % of the TCP packets arriving in the server's namespace dropped by iptables there, so the client
 * retransmits. Only rows of that connection are looked at; the kernel's own count (nstat TcpRetransSegs
 * of the two namespaces, which no other test uses) is the reference.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, registerFleetHost, useTempDataDir } from './helpers';
import { createNetnsPair, removeStaleNetns, type NetnsPair } from './netns';
import type { TcpretransResult } from '@/lib/tools/tcpretrans/parse';

const WORKLOAD = path.join(process.cwd(), 'tests/fixtures/tcpretrans/lossy-transfer.cjs');
const BYTES = 2_000_000;
/** long enough for the transfer (with its backed-off retransmit timers) to end while tracing */
const DURATION_SEC = 20;
let pair: NetnsPair | null = null;

beforeAll(async () => {
  useTempDataDir('tcpretrans');
  await removeStaleNetns();
  pair = await createNetnsPair('trs', 241);
  await pair.dropIncomingTcp('b', 0.1);
});

afterAll(async () => {
  await pair?.destroy();
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
});

/** Serve one connection in b, send BYTES from a; resolves with the client's pid and port. */
async function lossyTransfer(p: NetnsPair, port: number): Promise<{ pid: number; lport: number; received: number }> {
  const server = p.spawn('b', [process.execPath, WORKLOAD, 'server', p.addrB, String(port), '1000']);
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
    });
    // `ip netns exec` execs node: the child's pid is the client's
    const client = spawn('ip', ['netns', 'exec', p.a, process.execPath, WORKLOAD, 'client', p.addrB, String(port), String(BYTES)]);
    let out = '';
    client.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => client.once('exit', r));
    if (code !== 0) throw new Error(`client exited ${code}`);
    const res = JSON.parse(out) as { lport: number; received: number };
    return { pid: client.pid!, ...res };
  } finally {
    server.kill('SIGKILL');
  }
}

async function tcpretransOnce(fleetName: string, port: number) {
  const { startRun, waitForRun, getRunResult } = await import('@/lib/runs/service');
  const { runBus } = await import('@/lib/runs/bus');
  const { hostId } = await registerFleetHost(fleetName, { check: true });
  const p = pair!;
  const run = await startRun({ hostId, toolId: 'tcpretrans', durationSec: DURATION_SEC }, 'it');
  // attached_probes is printed just before attaching: allow the attach some time after it
  await pollUntil(
    async () => runBus.state(run.id)?.progress?.records ?? 0,
    (n) => n >= 1,
    30_000,
    100,
  );
  const firstRecordAt = Date.now();
  await new Promise((r) => setTimeout(r, 2_000));
  const names = ['TcpRetransSegs'];
  const before = { a: await p.nstat('a', names), b: await p.nstat('b', names) };
  const wl = await lossyTransfer(p, port);
  // seconds of tracing left when the transfer had ended (bpftrace's clock starts before its first record)
  const leftSec = DURATION_SEC - (Date.now() - firstRecordAt) / 1000;
  const done = await waitForRun(run.id, 90_000);
  // after the run: the server's FIN may be resent after the client is gone (its ACK dropped)
  const after = { a: await p.nstat('a', names), b: await p.nstat('b', names) };
  const result = (await getRunResult(run.id)) as TcpretransResult;
  const kernelSegs = after.a.TcpRetransSegs - before.a.TcpRetransSegs + (after.b.TcpRetransSegs - before.b.TcpRetransSegs);
  return { done, result, wl, kernelSegs, leftSec };
}

function check(res: Awaited<ReturnType<typeof tcpretransOnce>>, port: number, version: string) {
  const { done, result, wl, kernelSegs, leftSec } = res;
  const p = pair!;
  expect(done.status, done.errorMessage ?? '').toBe('completed');
  expect(done.variantId).toBe('tcpretrans');
  expect(result.unparsedEvents).toBe(0);
  expect(wl.received).toBe(1000);
  expect(kernelSegs, 'precondition: the drops made the kernel retransmit').toBeGreaterThan(20);

  const client = result.rows.filter((r) => r.laddr === p.addrA && r.lport === wl.lport && r.raddr === p.addrB && r.rport === port);
  const server = result.rows.filter((r) => r.laddr === p.addrB && r.lport === port);
  const mine = [...client, ...server];
  // what was sent: known counts, plus at least 1 for each socket's first event (count unknown)
  const sent = mine.filter((r) => r.kind !== 'not-sent');
  const segs = sent.reduce((a, r) => a + ((r.segs as number | null) ?? 1), 0);
  const unknown = sent.filter((r) => r.segs === null).length;
  console.log(
    `tcpretrans ${version}: ${mine.length} events of the test's connection (${client.length} client, ${server.length} server), ` +
      `${sent.length} sent = ${segs} segments; kernel TcpRetransSegs ${kernelSegs}; ` +
      `${mine.length - sent.length} not sent (-EBUSY); lost events ${result.stats.lostEvents}; ` +
      `first events of a socket (count unknown) ${unknown}; tracing left after the transfer ${leftSec.toFixed(1)} s`,
  );
  expect(leftSec, 'precondition: the transfer ended while tracing').toBeGreaterThan(1);
  expect(client.length).toBeGreaterThan(0);
  for (const r of client) {
    expect(r).toMatchObject({ family: 'IPv4' });
    expect(['ESTABLISHED', 'FIN_WAIT1', 'SYN_SENT', 'CLOSING', 'LAST_ACK']).toContain(r.state);
    // the client connected while tracing: its owner is known
    expect(r.sockPid).toBe(wl.pid);
  }
  // Never more than the kernel counted (attempts it did not send are told apart). Fewer only by:
  //  - events bpftrace reported lost;
  //  - each socket's first event, whose count is unknown and taken as 1 (it is the growth of the
  //    socket's own counter since its previous event that is summed, so an event the kernel skipped -
  //    it does not nest BPF programs on a CPU, and other engineers trace too - is made up by the next);
  //  - retransmits after the socket's last event: the server's FIN resent once the client is gone
  //    (its ACK dropped), after tracing ended; a few, each at a backed-off timer.
  // 10 % of the kernel's count covers these (seen: equal to it in 4 of 4 runs when the transfer ended
  // while tracing; with 10 s runs the transfer could outlast tracing: 86 of 327 once, hence 20 s and the
  // precondition above).
  expect(segs).toBeLessThanOrEqual(kernelSegs);
  expect(segs).toBeGreaterThanOrEqual(Math.floor(0.9 * kernelSegs) - result.stats.lostEvents);
}

describe('tcpretrans on real hosts', () => {
  it('bpftrace 0.17 (fleet11) sees the retransmits of a lossy transfer in a private namespace pair', async () => {
    const port = 42000 + (process.pid % 1000);
    check(await tcpretransOnce('fleet11', port), port, '0.17');
  });

  it('bpftrace 0.23 (fleet21) sees them too', async () => {
    const port = 43000 + (process.pid % 1000);
    check(await tcpretransOnce('fleet21', port), port, '0.23');
  });
});
