/**
 * Grouping of a tcplife connection graph by command: a busy client that forks (curl in a loop, a cron
 * job) opens connections from a new PID each time, and one node per PID buries the picture (85 separate
 * `curl [pid]` nodes). Process endpoints of one command become one node, "curl · 85 PIDs", except the
 * commands listed in `expanded`, which keep a node per PID. Remote endpoints are never grouped. Pure.
 *
 * Process node ids and labels are the tcplife parser's (lib/tools/tcplife/parse.ts sessionEdge):
 * `p:<pid>:<comm>` / `<comm> [<pid>]` for a process that connected out, and `p:<pid>:<comm>:<lport>` /
 * `<comm> [<pid>] <local endpoint>` for one that accepted on a port. The label is parsed and checked
 * against the id, so a node that does not have this shape (a comm holding " [", "other endpoints")
 * stays as it is rather than being grouped by a wrong name.
 */
import type { ConnectionsResult } from '@/lib/tools/types';

export type Graph = ConnectionsResult['graph'];
type GraphNode = Graph['nodes'][number];

export interface ProcessEndpoint {
  comm: string;
  pid: number;
  /** the local endpoint ("addr:port") of a process that accepted connections; null for an outgoing one */
  local: string | null;
}

/** The process a node stands for, or null for a remote endpoint (or anything of another shape). */
export function processOf(node: Pick<GraphNode, 'id' | 'label'>): ProcessEndpoint | null {
  if (!node.id.startsWith('p:')) return null;
  const m = /^(.*) \[(\d+)\](?: (.+))?$/s.exec(node.label);
  if (!m) return null;
  const [, comm, pidText, local] = m;
  const base = `p:${pidText}:${comm}`;
  if (local === undefined ? node.id !== base : !node.id.startsWith(`${base}:`)) return null;
  return { comm, pid: Number(pidText), local: local ?? null };
}

export interface GroupedNode extends GraphNode {
  /** set on a node standing for several PIDs of one command */
  group?: { comm: string; pids: number[]; local: string | null };
  /** the command a process node belongs to (grouped or expanded): what a click expands or collapses */
  comm?: string;
}

export interface GroupedGraph {
  nodes: GroupedNode[];
  edges: Graph['edges'];
  /** commands that have more than one PID, with their PID count (what can be expanded) */
  commands: Array<{ comm: string; pids: number }>;
}

/** The group node id of a command (and local endpoint, for accepting processes). */
export function groupId(p: ProcessEndpoint): string {
  return p.local === null ? `g:${p.comm}` : `g:${p.comm}\u0000${p.local}`;
}

export function groupByCommand(graph: Graph, expanded: ReadonlySet<string> = new Set()): GroupedGraph {
  const pidsOf = new Map<string, Set<number>>();
  const procs = new Map<string, ProcessEndpoint>();
  for (const n of graph.nodes) {
    const p = processOf(n);
    if (!p) continue;
    procs.set(n.id, p);
    const s = pidsOf.get(p.comm) ?? new Set<number>();
    s.add(p.pid);
    pidsOf.set(p.comm, s);
  }
  // node id -> the id it is drawn as
  const mapId = new Map<string, string>();
  const nodes = new Map<string, GroupedNode>();
  for (const n of graph.nodes) {
    const p = procs.get(n.id);
    const grouped = p && !expanded.has(p.comm) && (pidsOf.get(p.comm)?.size ?? 0) > 1;
    if (!p || !grouped) {
      mapId.set(n.id, n.id);
      nodes.set(n.id, p ? { ...n, comm: p.comm } : { ...n });
      continue;
    }
    const id = groupId(p);
    mapId.set(n.id, id);
    const g = nodes.get(id);
    if (g) {
      g.bytes += n.bytes;
      if (!g.group!.pids.includes(p.pid)) g.group!.pids.push(p.pid);
    } else {
      nodes.set(id, { id, label: '', bytes: n.bytes, comm: p.comm, group: { comm: p.comm, pids: [p.pid], local: p.local } });
    }
  }
  for (const g of nodes.values()) {
    if (!g.group) continue;
    g.group.pids.sort((a, b) => a - b);
    const local = g.group.local;
    const count = g.group.pids.length;
    g.label = `${g.group.comm} · ${count} PID${count === 1 ? '' : 's'}${local ? ` ${local}` : ''}`;
  }
  const edges = new Map<string, Graph['edges'][number]>();
  for (const e of graph.edges) {
    const source = mapId.get(e.source) ?? e.source;
    const target = mapId.get(e.target) ?? e.target;
    const key = `${source}\u0000${target}`;
    const have = edges.get(key);
    if (have) {
      have.connections += e.connections;
      have.txBytes += e.txBytes;
      have.rxBytes += e.rxBytes;
    } else edges.set(key, { source, target, connections: e.connections, txBytes: e.txBytes, rxBytes: e.rxBytes });
  }
  const commands = [...pidsOf]
    .filter(([, s]) => s.size > 1)
    .map(([comm, s]) => ({ comm, pids: s.size }))
    .sort((a, b) => b.pids - a.pids || (a.comm < b.comm ? -1 : 1));
  return { nodes: [...nodes.values()], edges: [...edges.values()], commands };
}
