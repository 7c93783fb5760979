/**
 * The fleet tcplife graph (lib/fleet/views/tcplife.ts) on real captures: tcplife on four fleet hosts at
 * once while tests/fixtures/fleet/fleet-tcp.cjs made loopback sessions between fleet addresses
 * (127.0.0.11 -> .21, .12 -> .31, .31 -> .11; two each; capture-facts.json holds the workload's ports and
 * bytes). The test fleet shares one kernel, so every host's run saw both ends of every session; the
 * "separate kernels" cases keep each host's own rows only (what a real fleet's hosts would see).
 */
import { describe, expect, it } from 'vitest';
import { fleetConnections, fleetGraph, normalizeAddress, twoSidedGraph } from '@/lib/fleet/views/tcplife';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import type { ConnectionsResult } from '@/lib/tools/types';
import { captureFacts, fleetFixtures } from './fleet-fixtures';

type Session = { laddr: string; lport: number; raddr: string; rport: number; sent: number; received: number };
const sessions = (captureFacts().steps.find((s) => s.tool.includes('tcplife'))!.tcpSessions as { sessions: Session[] }).sessions;
const hosts = fleetFixtures<ConnectionsResult>('tcplife');
const byName = (n: string) => hosts.find((h) => h.hostName === n)!;
const id = (n: string) => `host:${byName(n).hostId}`;

/** each host's rows whose local address is its own: a host with a kernel of its own sees only those */
function ownRowsOnly(hs: Array<FleetHostInput<ConnectionsResult>>): Array<FleetHostInput<ConnectionsResult>> {
  return hs.map((h) => ({ ...h, result: { ...h.result!, rows: h.result!.rows.filter((r) => h.addresses.includes(r.laddr as string)) } }));
}

describe('fleet tcplife graph: sessions between fleet addresses', () => {
  it('the capture holds both ends of each of the workload’s 6 sessions on every host', () => {
    expect(sessions).toHaveLength(6);
    for (const h of hosts) {
      for (const s of sessions) {
        expect(h.result!.rows.filter((r) => r.laddr === s.laddr && r.lport === s.lport && r.rport === s.rport && r.dir === 'out')).toHaveLength(1);
        expect(h.result!.rows.filter((r) => r.laddr === s.raddr && r.lport === s.rport && r.rport === s.lport && r.dir === 'in')).toHaveLength(1);
      }
    }
  });

  for (const [label, input] of [
    ['one shared kernel (every host saw both ends)', hosts],
    ['separate kernels (each host its own ends)', ownRowsOnly(hosts)],
  ] as const) {
    it(`${label}: each session once, matched at both ends, client -> server with exact bytes`, () => {
      const conns = fleetConnections(input);
      expect(conns).toHaveLength(6);
      for (const s of sessions) {
        const c = conns.find((x) => x.client.addr === s.laddr && x.client.port === s.lport)!;
        expect(c, JSON.stringify(s)).toBeDefined();
        expect(c.matched).toBe(true);
        expect(c.sessions).toBe(1);
        expect(c.server).toMatchObject({ addr: s.raddr, port: s.rport });
        expect(c.client.node.kind).toBe('host');
        expect(c.server.node.kind).toBe('host');
        // tcplife's bytes: acked by the peer (+ SYN and FIN) and received (+ FIN)
        expect(c.txBytes).toBe(s.sent + 2);
        expect(c.rxBytes).toBe(s.received + 1);
        const owner = (a: string) => hosts.find((h) => h.addresses.includes(a))!.hostName;
        expect(c.client.node.label).toBe(owner(s.laddr));
        expect(c.server.node.label).toBe(owner(s.raddr));
        expect(c.client.observedBy).toEqual(input === hosts ? ['fleet11', 'fleet12', 'fleet21', 'fleet31'] : [owner(s.laddr)]);
      }
    });
  }

  it('the graph: three edges between fleet hosts, drawn once each, no outside peers', () => {
    const g = fleetGraph(fleetConnections(hosts));
    expect(g.nodes.every((n) => n.kind === 'host')).toBe(true);
    expect(g.nodes.map((n) => n.label).sort()).toEqual(['fleet11', 'fleet12', 'fleet21', 'fleet31']);
    const edges = g.edges.map((e) => `${e.source}>${e.target}`).sort();
    expect(edges).toEqual([`${id('fleet11')}>${id('fleet21')}`, `${id('fleet12')}>${id('fleet31')}`, `${id('fleet31')}>${id('fleet11')}`].sort());
    for (const e of g.edges) {
      expect(e.connections).toBe(2);
      expect(e.matched).toBe(2);
      expect(e.txBytes).toBe(20002 + 21002);
      expect(e.rxBytes).toBe(7001 + 7101);
      expect(e.serverPorts).toHaveLength(1);
    }
    expect(g.connections).toBe(6);
    expect(g.matched).toBe(6);
    // the shape ConnectionGraph draws
    expect(g.graph.edges).toHaveLength(3);
    expect(g.graph.nodes.find((n) => n.id === id('fleet11'))!.bytes).toBe(2 * (41004 + 14102));
  });

  it('a host filtered to: only its connections, with its peers', () => {
    const g = fleetGraph(fleetConnections(hosts), new Set([byName('fleet12').hostId]));
    expect(g.edges.map((e) => `${e.source}>${e.target}`)).toEqual([`${id('fleet12')}>${id('fleet31')}`]);
    expect(g.nodes.map((n) => n.label).sort()).toEqual(['fleet12', 'fleet31']);
  });

  it('a host that did not trace (failed): its ends are not seen, the connections still go to it, not matched', () => {
    const failed = ownRowsOnly(hosts).map((h) => (h.hostName === 'fleet21' ? { ...h, status: 'failed', result: null } : h));
    const conns = fleetConnections(failed);
    const to21 = conns.filter((c) => c.server.addr === '127.0.0.21');
    expect(to21).toHaveLength(2);
    for (const c of to21) {
      expect(c.matched).toBe(false);
      expect(c.server.sessions).toBeNull();
      expect(c.server.node).toMatchObject({ kind: 'host', label: 'fleet21' });
    }
    expect(conns.filter((c) => c.matched)).toHaveLength(4);
  });

  it('an address of no fleet host is an outside peer', () => {
    const without21 = ownRowsOnly(hosts).filter((h) => h.hostName !== 'fleet21');
    const g = fleetGraph(fleetConnections(without21));
    const peer = g.nodes.find((n) => n.kind === 'peer')!;
    expect(peer).toMatchObject({ id: 'peer:127.0.0.21', label: '127.0.0.21 (outside)', hostId: null });
    const e = g.edges.find((x) => x.target === 'peer:127.0.0.21')!;
    expect(e).toMatchObject({ source: id('fleet11'), connections: 2, matched: 0, txBytes: 41004, rxBytes: 14102 });
  });

  it('an unlisted local address: one observer owns it; the same end seen by several hosts (one kernel) is an outside peer', () => {
    const row = byName('fleet11').result!.rows.find((r) => r.dir === 'out')!;
    const lone = { ...row, laddr: '127.0.0.1', lport: 40001, raddr: '127.0.0.21', rport: 5432 };
    const withRow = (names: string[]) =>
      ownRowsOnly(hosts).map((h) => (names.includes(h.hostName) ? { ...h, result: { ...h.result!, rows: [...h.result!.rows, lone] } } : h));
    const one = fleetConnections(withRow(['fleet12'])).find((c) => c.client.port === 40001)!;
    expect(one.client.node.label).toBe('fleet12');
    expect(one.matched).toBe(false);
    const shared = fleetConnections(withRow(['fleet11', 'fleet12', 'fleet31'])).find((c) => c.client.port === 40001)!;
    expect(shared.client.node).toMatchObject({ kind: 'peer', id: 'peer:127.0.0.1' });
    expect(shared.client.observedBy).toEqual(['fleet11', 'fleet12', 'fleet31']);
    expect(shared.sessions).toBe(1);
  });

  it('a 4-tuple reused within the run counts its sessions once per end (not once per observer)', () => {
    const h = ownRowsOnly(hosts).map((x) => (x.hostName === 'fleet11' ? { ...x, result: { ...x.result!, rows: [...x.result!.rows, ...x.result!.rows] } } : x));
    const c = fleetConnections(h).find((x) => x.client.addr === '127.0.0.11' && x.client.port === sessions[0].lport)!;
    expect(c.sessions).toBe(2);
    expect(c.txBytes).toBe(2 * (sessions[0].sent + 2));
  });

  it('without dir, the lower port is the server; IPv4-mapped addresses are mapped to their host', () => {
    expect(normalizeAddress('::ffff:127.0.0.11')).toBe('127.0.0.11');
    expect(normalizeAddress('FE80::1')).toBe('fe80::1');
    const r = { ...byName('fleet12').result!.rows[0], dir: '?', laddr: '::ffff:127.0.0.12', lport: 50000, raddr: '127.0.0.31', rport: 80 };
    const input = [
      { ...byName('fleet12'), result: { ...byName('fleet12').result!, rows: [r] } },
      ...hosts.filter((h) => h.hostName === 'fleet31').map((h) => ({ ...h, result: { ...h.result!, rows: [] } })),
    ];
    const [c] = fleetConnections(input);
    expect(c.client).toMatchObject({ addr: '127.0.0.12', port: 50000 });
    expect(c.client.node.label).toBe('fleet12');
    expect(c.server.node.label).toBe('fleet31');
  });

  it('drawn two-sided: every edge from a connecting side to an accepting side; a host doing both is on both sides', () => {
    const g = fleetGraph(fleetConnections(hosts));
    const d = twoSidedGraph(g);
    expect(d.edges).toHaveLength(3);
    for (const e of d.edges) {
      expect(e.source.startsWith('from:')).toBe(true);
      expect(e.target.startsWith('to:')).toBe(true);
    }
    // fleet11 connects (to fleet21) and accepts (from fleet31); fleet31 too
    expect(
      d.nodes
        .filter((n) => n.label === 'fleet11')
        .map((n) => n.id.split(':')[0])
        .sort(),
    ).toEqual(['from', 'to']);
    expect(d.nodes.filter((n) => n.label === 'fleet21').map((n) => n.id.split(':')[0])).toEqual(['to']);
    expect(d.nodes).toHaveLength(6);
  });
});
