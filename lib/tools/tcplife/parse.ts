/**
 * Parser of bpftrace-tools/tcplife.bt output (protocol in its header): one printf per closed session,
 *   "tcplife\x1f<elapsed ns>\x1f<pid>\x1f<dir>\x1f<family>\x1f<lport>\x1f<rport>\x1f<tx>\x1f<rx>\x1f<dur ns>\x1f<laddr>\x1f<raddr>\x1f<comm>\n"
 * into a session table and a graph of who talked to whom. Only comm is free text (any byte but NUL,
 * \x1f included): it is the last field, so a surplus of separators belongs to it.
 * Pure, incremental, bounded: rows up to maxRows, graph edges up to maxEdges (the rest are merged into
 * an "other" node), everything else counted.
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import type { ConnectionsResult, EventColumn, EventCellValue, ResultStats, ToolParser } from '@/lib/tools/types';
import { createEventRows, DEFAULT_SNAPSHOT_ROWS } from '@/lib/tools/event-rows';
import { intField } from '@/lib/tools/fields';
import { countRecord } from '@/lib/tools/record-stats';

const SEP = '\x1f';
const TAG = 'tcplife';
/** tag + 9 numbers + 2 addresses, then comm */
const FIXED_FIELDS = 12;
export const TCPLIFE_DEFAULT_MAX_ROWS = 100_000;
export const TCPLIFE_DEFAULT_MAX_EDGES = 1_000;
export const OTHER_NODE = 'other';

export type Direction = 'out' | 'in' | '?';

export interface TcpSession {
  elapsedNs: number;
  pid: number;
  dir: Direction;
  family: 4 | 6;
  lport: number;
  rport: number;
  /** bytes acked by the peer, sequence space (SYN/FIN add 1) */
  txBytes: number;
  rxBytes: number;
  durationNs: number;
  laddr: string;
  raddr: string;
  comm: string;
}

export const TCPLIFE_COLUMNS: EventColumn[] = [
  { key: 'timeSec', label: 'Time', type: 'time', description: 'when the session closed, seconds since tracing started' },
  { key: 'durationMs', label: 'Duration', type: 'duration_ms', description: 'from the connection being set up to its close' },
  { key: 'comm', label: 'Comm', type: 'string' },
  { key: 'raddr', label: 'Remote address', type: 'addr' },
  { key: 'rport', label: 'RPort', type: 'int' },
  { key: 'txBytes', label: 'TX', type: 'bytes', description: 'bytes sent and acknowledged by the peer (tcp_sock bytes_acked; a SYN or FIN counts 1)' },
  { key: 'rxBytes', label: 'RX', type: 'bytes', description: 'bytes received (tcp_sock bytes_received; a FIN counts 1)' },
  { key: 'dir', label: 'Dir', type: 'string', description: 'out: this host connected (connect); in: it accepted; ?: not seen' },
  { key: 'laddr', label: 'Local address', type: 'addr' },
  { key: 'lport', label: 'LPort', type: 'int' },
  { key: 'family', label: 'IP', type: 'string' },
  { key: 'pid', label: 'PID', type: 'int', description: 'the process that connected, or that closed the socket (the task on the CPU if neither was seen)' },
];

const DIRS: Record<number, Direction> = { 0: '?', 1: 'out', 2: 'in' };

/** Parse one session line (with or without its trailing newline); null if it does not fit the protocol. */
export function parseSessionLine(text: string): TcpSession | null {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  const parts = line.split(SEP);
  if (parts.length < FIXED_FIELDS + 1 || parts[0] !== TAG) return null;
  const nums: number[] = [];
  for (let i = 1; i < 10; i++) {
    const n = intField(parts[i]);
    if (n === null || n < 0) return null;
    nums.push(n);
  }
  const [elapsedNs, pid, dir, family, lport, rport, txBytes, rxBytes, durationNs] = nums;
  if (!(dir in DIRS) || (family !== 2 && family !== 10) || lport > 65535 || rport > 65535) return null;
  const laddr = parts[10];
  const raddr = parts[11];
  if (!laddr || !raddr) return null;
  return {
    elapsedNs,
    pid,
    dir: DIRS[dir],
    family: family === 2 ? 4 : 6,
    lport,
    rport,
    txBytes,
    rxBytes,
    durationNs,
    laddr,
    raddr,
    comm: parts.slice(FIXED_FIELDS).join(SEP),
  };
}

export function sessionRow(s: TcpSession): Record<string, EventCellValue> {
  return {
    timeSec: s.elapsedNs / 1e9,
    pid: s.pid,
    comm: s.comm,
    dir: s.dir,
    family: s.family === 4 ? 'IPv4' : 'IPv6',
    laddr: s.laddr,
    lport: s.lport,
    raddr: s.raddr,
    rport: s.rport,
    txBytes: s.txBytes,
    rxBytes: s.rxBytes,
    durationMs: s.durationNs / 1e6,
  };
}

/** "addr:port", with brackets for IPv6 */
export function endpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/**
 * The edge a session adds to the graph, from the side that opened the connection to the side that
 * accepted it: out = local process -> remote service; in = remote host -> local process (on its port).
 * txBytes is what flowed from source to target.
 */
export function sessionEdge(s: TcpSession): {
  source: { id: string; label: string };
  target: { id: string; label: string };
  txBytes: number;
  rxBytes: number;
} {
  const proc = { id: `p:${s.pid}:${s.comm}`, label: `${s.comm} [${s.pid}]` };
  if (s.dir === 'in') {
    return {
      source: { id: `h:${s.raddr}`, label: s.raddr },
      target: { id: `${proc.id}:${s.lport}`, label: `${proc.label} ${endpoint(s.laddr, s.lport)}` },
      txBytes: s.rxBytes,
      rxBytes: s.txBytes,
    };
  }
  const svc = endpoint(s.raddr, s.rport);
  return { source: proc, target: { id: `e:${svc}`, label: svc }, txBytes: s.txBytes, rxBytes: s.rxBytes };
}

export interface TcplifeParserOptions {
  maxRows?: number;
  maxEdges?: number;
}

export interface TcplifeResult extends ConnectionsResult {
  /** sessions whose edge went to the "other" node because the graph was full */
  sessionsInOther: number;
}

export function createTcplifeParser(opts: TcplifeParserOptions = {}): ToolParser<TcplifeResult> {
  const maxRows = opts.maxRows ?? TCPLIFE_DEFAULT_MAX_ROWS;
  const maxEdges = opts.maxEdges ?? TCPLIFE_DEFAULT_MAX_EDGES;
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const rows = createEventRows(maxRows);
  let unparsedEvents = 0;
  let sessionsInOther = 0;
  const nodes = new Map<string, { id: string; label: string; bytes: number }>();
  const edges = new Map<string, { source: string; target: string; connections: number; txBytes: number; rxBytes: number }>();

  const node = (id: string, label: string, bytes: number) => {
    const n = nodes.get(id);
    if (n) n.bytes += bytes;
    else nodes.set(id, { id, label, bytes });
  };

  const addToGraph = (s: TcpSession) => {
    const e = sessionEdge(s);
    let key = `${e.source.id}\u0000${e.target.id}`;
    let src = e.source;
    let dst = e.target;
    if (!edges.has(key) && edges.size >= maxEdges) {
      // Full: an endpoint already in the graph keeps its node, a new one becomes "other"; a pair that
      // still has no edge goes to other -> other, so the graph grows by one edge at most.
      sessionsInOther++;
      const other = { id: OTHER_NODE, label: 'other endpoints' };
      src = nodes.has(src.id) ? src : other;
      dst = nodes.has(dst.id) ? dst : other;
      key = `${src.id}\u0000${dst.id}`;
      if (!edges.has(key)) {
        src = other;
        dst = other;
        key = `${OTHER_NODE}\u0000${OTHER_NODE}`;
      }
    }
    const bytes = e.txBytes + e.rxBytes;
    node(src.id, src.label, bytes);
    if (dst.id !== src.id) node(dst.id, dst.label, bytes);
    const edge = edges.get(key);
    if (edge) {
      edge.connections++;
      edge.txBytes += e.txBytes;
      edge.rxBytes += e.rxBytes;
    } else {
      edges.set(key, { source: src.id, target: dst.id, connections: 1, txBytes: e.txBytes, rxBytes: e.rxBytes });
    }
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'printf': {
        const s = parseSessionLine(rec.text);
        if (!s) {
          unparsedEvents++;
          return;
        }
        rows.add(sessionRow(s));
        addToGraph(s);
        return;
      }
      default:
        return;
    }
  };

  /** `latest`: only the last that many rows (snapshots); the graph always covers every session */
  const result = (latest?: number): TcplifeResult => ({
    kind: 'connections',
    columns: TCPLIFE_COLUMNS,
    ...rows.view(latest),
    unparsedEvents,
    graph: {
      nodes: [...nodes.values()].map((n) => ({ ...n })),
      edges: [...edges.values()].map((e) => ({ ...e })),
    },
    sessionsInOther,
    stats: { ...stats },
  });

  return { push, snapshot: () => result(DEFAULT_SNAPSHOT_ROWS), finish: () => result() };
}
