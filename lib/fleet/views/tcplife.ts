/**
 * tcplife as a distributed graph: nodes are fleet hosts (a session's addresses mapped to hosts by each
 * host's `addresses`) and outside peers; edges are the connections seen, from the side that connected
 * to the side that accepted, with bytes each way. A connection traced at both ends (host A's row
 * laddr=A raddr=B, host B's row laddr=B raddr=A) is matched and drawn once. Pure.
 *
 * How a row (one end of a session, seen by one host's run) is attributed:
 *  - its local address belongs to a fleet host: that host's end (whoever observed it);
 *  - else, observed by one host only: that host's end (its loopback, or an address not listed);
 *  - else (the same end, same 4-tuple, seen by several hosts: they share a kernel, as the test fleet's
 *    loopback hosts do, and no host can claim it): an outside peer at that address.
 * The same end seen by several hosts is counted once (the observer with the most sessions of it).
 * Sessions of one 4-tuple (a port reused within the run) count as max(sessions at end A, at end B).
 *
 * Client and server: the end whose dir is "out" connected, "in" accepted; when neither end says, the
 * lower port is taken as the server's (services listen on low ports, clients get ephemeral ones).
 * Bytes client->server come from the client's row (tx) when it was seen, else from the server's (rx).
 */
import type { ConnectionsResult, EventCellValue } from '@/lib/tools/types';
import { withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';

type Row = Record<string, EventCellValue>;

/** "::ffff:10.0.0.1" -> "10.0.0.1"; other text as it is (lower case for IPv6) */
export function normalizeAddress(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (m) return m[1];
  return a.includes(':') ? a.toLowerCase() : a;
}

export interface NodeRef {
  id: string;
  label: string;
  kind: 'host' | 'peer';
  hostId: string | null;
}

export interface EndView {
  addr: string;
  port: number;
  node: NodeRef;
  /** sessions of this 4-tuple seen at this end (null: this end was not traced) */
  sessions: number | null;
  /** hosts whose runs saw this end */
  observedBy: string[];
}

export interface FleetConnection {
  client: EndView;
  server: EndView;
  sessions: number;
  /** bytes client -> server and server -> client, over its sessions */
  txBytes: number;
  rxBytes: number;
  /** traced at both ends */
  matched: boolean;
}

interface EndAcc {
  laddr: string;
  lport: number;
  raddr: string;
  rport: number;
  /** per observer host id: its rows of this end */
  byObserver: Map<string, Row[]>;
}

const num = (v: EventCellValue | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: EventCellValue | undefined) => (typeof v === 'string' ? v : String(v ?? ''));

/** Every connection seen by the hosts' tcplife runs, ends matched (see the file comment). */
export function fleetConnections(input: ReadonlyArray<FleetHostInput<unknown>>): FleetConnection[] {
  const owner = new Map<string, { hostId: string; hostName: string }>();
  for (const h of input)
    for (const a of h.addresses) if (!owner.has(normalizeAddress(a))) owner.set(normalizeAddress(a), { hostId: h.hostId, hostName: h.hostName });
  const hostNames = new Map(input.map((h) => [h.hostId, h.hostName]));
  const hostNode = (hostId: string): NodeRef => ({ id: `host:${hostId}`, label: hostNames.get(hostId) ?? hostId, kind: 'host', hostId });
  const peerNode = (addr: string): NodeRef => ({ id: `peer:${addr}`, label: `${addr} (outside)`, kind: 'peer', hostId: null });
  const nodeOfAddress = (addr: string): NodeRef => {
    const o = owner.get(addr);
    return o ? hostNode(o.hostId) : peerNode(addr);
  };

  const ends = new Map<string, EndAcc>();
  for (const h of withResult<ConnectionsResult>(input, ['connections'])) {
    for (const row of h.result.rows) {
      const laddr = normalizeAddress(str(row.laddr));
      const raddr = normalizeAddress(str(row.raddr));
      const lport = num(row.lport);
      const rport = num(row.rport);
      if (!laddr || !raddr) continue;
      const k = `${laddr}\u0000${lport}\u0000${raddr}\u0000${rport}`;
      let e = ends.get(k);
      if (!e) {
        e = { laddr, lport, raddr, rport, byObserver: new Map() };
        ends.set(k, e);
      }
      const l = e.byObserver.get(h.hostId) ?? [];
      l.push(row);
      e.byObserver.set(h.hostId, l);
    }
  }

  interface Side {
    acc: EndAcc;
    rows: Row[];
    node: NodeRef;
  }
  const sideOf = (e: EndAcc): Side => {
    let best: Row[] = [];
    for (const rows of e.byObserver.values()) if (rows.length > best.length) best = rows;
    const owned = owner.get(e.laddr);
    const node = owned ? hostNode(owned.hostId) : e.byObserver.size === 1 ? hostNode([...e.byObserver.keys()][0]) : peerNode(e.laddr);
    return { acc: e, rows: best, node };
  };

  // pair the ends of one connection: endpoint (laddr, lport) <-> (raddr, rport)
  const conns = new Map<string, { a: Side | null; b: Side | null; ea: [string, number]; eb: [string, number] }>();
  for (const e of ends.values()) {
    const mine = `${e.laddr}\u0000${e.lport}`;
    const theirs = `${e.raddr}\u0000${e.rport}`;
    const first = mine <= theirs;
    const k = first ? `${mine}\u0001${theirs}` : `${theirs}\u0001${mine}`;
    let c = conns.get(k);
    if (!c) {
      c = first ? { a: null, b: null, ea: [e.laddr, e.lport], eb: [e.raddr, e.rport] } : { a: null, b: null, ea: [e.raddr, e.rport], eb: [e.laddr, e.lport] };
      conns.set(k, c);
    }
    if (first) c.a = sideOf(e);
    else c.b = sideOf(e);
  }

  const dirOf = (s: Side | null): string | null => {
    if (!s) return null;
    for (const r of s.rows) if (r.dir === 'out' || r.dir === 'in') return r.dir as string;
    return null;
  };
  const sum = (rows: Row[], key: string) => rows.reduce((a, r) => a + num(r[key]), 0);

  const out: FleetConnection[] = [];
  for (const c of conns.values()) {
    // is end a the client?
    const da = dirOf(c.a);
    const db = dirOf(c.b);
    let aIsClient: boolean;
    if (da === 'out' || db === 'in') aIsClient = true;
    else if (da === 'in' || db === 'out') aIsClient = false;
    else aIsClient = c.ea[1] > c.eb[1] || (c.ea[1] === c.eb[1] && c.ea[0] <= c.eb[0]);
    const [cs, ss, ce, se] = aIsClient ? [c.a, c.b, c.ea, c.eb] : [c.b, c.a, c.eb, c.ea];
    const view = (s: Side | null, ep: [string, number]): EndView => ({
      addr: ep[0],
      port: ep[1],
      node: s ? s.node : nodeOfAddress(ep[0]),
      sessions: s ? s.rows.length : null,
      observedBy: s ? [...s.acc.byObserver.keys()].map((id) => hostNames.get(id) ?? id).sort() : [],
    });
    const sessions = Math.max(cs?.rows.length ?? 0, ss?.rows.length ?? 0);
    const txBytes = cs ? sum(cs.rows, 'txBytes') : sum(ss!.rows, 'rxBytes');
    const rxBytes = cs ? sum(cs.rows, 'rxBytes') : sum(ss!.rows, 'txBytes');
    out.push({ client: view(cs, ce), server: view(ss, se), sessions, txBytes, rxBytes, matched: cs !== null && ss !== null });
  }
  out.sort((x, y) => y.txBytes + y.rxBytes - (x.txBytes + x.rxBytes) || (x.client.node.id < y.client.node.id ? -1 : 1));
  return out;
}

export interface FleetGraphEdge {
  source: string;
  target: string;
  connections: number;
  txBytes: number;
  rxBytes: number;
  /** connections traced at both ends */
  matched: number;
  /** the servers' ports, lowest first (at most 8) */
  serverPorts: number[];
}

export interface FleetGraph {
  /** in the shape components/viz/ConnectionGraph draws */
  graph: ConnectionsResult['graph'];
  nodes: NodeRef[];
  edges: FleetGraphEdge[];
  connections: number;
  matched: number;
}

/**
 * The graph of `connections`; with `focusHostIds`, only connections touching one of those hosts (a
 * view filtered to a host or a tag still shows their peers, fleet hosts or not).
 */
export function fleetGraph(connections: readonly FleetConnection[], focusHostIds?: ReadonlySet<string>): FleetGraph {
  const keep = focusHostIds
    ? connections.filter(
        (c) =>
          (c.client.node.hostId !== null && focusHostIds.has(c.client.node.hostId)) ||
          (c.server.node.hostId !== null && focusHostIds.has(c.server.node.hostId)),
      )
    : connections;
  const nodes = new Map<string, NodeRef & { bytes: number }>();
  const edges = new Map<string, FleetGraphEdge & { ports: Set<number> }>();
  for (const c of keep) {
    const bytes = c.txBytes + c.rxBytes;
    for (const n of [c.client.node, c.server.node]) {
      const x = nodes.get(n.id);
      if (x) x.bytes += bytes;
      else nodes.set(n.id, { ...n, bytes });
    }
    const k = `${c.client.node.id}\u0000${c.server.node.id}`;
    let e = edges.get(k);
    if (!e) {
      e = { source: c.client.node.id, target: c.server.node.id, connections: 0, txBytes: 0, rxBytes: 0, matched: 0, serverPorts: [], ports: new Set() };
      edges.set(k, e);
    }
    e.connections += c.sessions;
    e.txBytes += c.txBytes;
    e.rxBytes += c.rxBytes;
    if (c.matched) e.matched += c.sessions;
    e.ports.add(c.server.port);
  }
  const edgeList = [...edges.values()].map(({ ports, ...e }) => ({ ...e, serverPorts: [...ports].sort((a, b) => a - b).slice(0, 8) }));
  const nodeList = [...nodes.values()];
  return {
    graph: {
      nodes: nodeList.map((n) => ({ id: n.id, label: n.label, bytes: n.bytes })),
      edges: edgeList.map((e) => ({ source: e.source, target: e.target, connections: e.connections, txBytes: e.txBytes, rxBytes: e.rxBytes })),
    },
    nodes: nodeList.map(({ bytes: _bytes, ...n }) => n),
    edges: edgeList,
    connections: keep.reduce((a, c) => a + c.sessions, 0),
    matched: keep.reduce((a, c) => a + (c.matched ? c.sessions : 0), 0),
  };
}

/**
 * The graph as two sides for drawing (components/viz/ConnectionGraph's two columns): every endpoint
 * that connected on the left ("from:"), every endpoint that accepted on the right ("to:"), so every
 * edge crosses from left to right. A fleet host both connects and accepts (web -> db, db -> cache):
 * it then appears on both sides, under its one label, instead of as loops inside one column.
 */
export function twoSidedGraph(g: FleetGraph): ConnectionsResult['graph'] {
  const nodes = new Map<string, { id: string; label: string; bytes: number }>();
  const add = (side: 'from' | 'to', id: string, bytes: number) => {
    const key = `${side}:${id}`;
    const n = nodes.get(key);
    if (n) n.bytes += bytes;
    else nodes.set(key, { id: key, label: g.nodes.find((x) => x.id === id)?.label ?? id, bytes });
  };
  for (const e of g.edges) {
    add('from', e.source, e.txBytes + e.rxBytes);
    add('to', e.target, e.txBytes + e.rxBytes);
  }
  return {
    nodes: [...nodes.values()],
    edges: g.edges.map((e) => ({ source: `from:${e.source}`, target: `to:${e.target}`, connections: e.connections, txBytes: e.txBytes, rxBytes: e.rxBytes })),
  };
}
