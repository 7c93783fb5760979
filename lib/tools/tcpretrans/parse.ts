/**
 * Parser of bpftrace-tools/tcpretrans.bt output (protocol in its header): one printf per event,
 *   "tcpretrans\x1f<elapsed ns>\x1f<kind>\x1f<segs>\x1f<pid>\x1f<sockPid+1>\x1f<state>\x1f<family>\x1f<lport>\x1f<rport>\x1f<laddr>\x1f<raddr>\x1f<comm>\n"
 * into an event table. Only comm is free text (any byte but NUL, \x1f included): it is the last field,
 * so a surplus of separators belongs to it. Pure, incremental, bounded: rows up to maxRows, the rest
 * counted.
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import type { EventCellValue, EventColumn, EventTableResult, ResultStats, ToolParser } from '@/lib/tools/types';
import { createEventRows, DEFAULT_SNAPSHOT_ROWS } from '@/lib/tools/event-rows';
import { intField } from '@/lib/tools/fields';
import { countRecord } from '@/lib/tools/record-stats';

const SEP = '\x1f';
const TAG = 'tcpretrans';
/** tag + 9 numbers + 2 addresses, then comm */
const FIXED_FIELDS = 12;
export const TCPRETRANS_DEFAULT_MAX_ROWS = 100_000;

/** the kernel's TCP states (include/net/tcp_states.h) */
export const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'NEW_SYN_RECV',
};

/** retrans: a segment sent again; synack: a SYN-ACK sent again; not-sent: an attempt the kernel gave up at once */
export type RetransKind = 'retrans' | 'synack' | 'not-sent';

export interface RetransEvent {
  elapsedNs: number;
  kind: RetransKind;
  /** segments added to the kernel's retransmit counter; null = unknown (the socket's first event) */
  segs: number | null;
  pid: number;
  /** the socket's owner, when seen; null otherwise */
  sockPid: number | null;
  state: number;
  family: 4 | 6;
  lport: number;
  rport: number;
  laddr: string;
  raddr: string;
  comm: string;
}

export const TCPRETRANS_COLUMNS: EventColumn[] = [
  { key: 'timeSec', label: 'Time', type: 'time', description: 'seconds since tracing started' },
  {
    key: 'kind',
    label: 'Kind',
    type: 'string',
    description:
      'retrans: a segment sent again (timeout, fast retransmit or tail loss probe); synack: a SYN-ACK sent again; not-sent: an attempt the kernel gave up because the original was still queued on this host',
  },
  {
    key: 'segs',
    label: 'Segs',
    type: 'int',
    description: "segments added to the kernel's retransmit counter (nstat TcpRetransSegs); empty: the socket's first event, count unknown",
  },
  { key: 'state', label: 'State', type: 'string', description: 'TCP state of the socket' },
  { key: 'raddr', label: 'Remote address', type: 'addr' },
  { key: 'rport', label: 'RPort', type: 'int' },
  { key: 'laddr', label: 'Local address', type: 'addr' },
  { key: 'lport', label: 'LPort', type: 'int' },
  { key: 'family', label: 'IP', type: 'string' },
  { key: 'sockPid', label: 'Owner PID', type: 'int', description: 'the process owning the socket, when it connected, listened or began closing while tracing' },
  { key: 'pid', label: 'PID', type: 'int', description: 'the task on the CPU when the kernel retransmitted (often 0: a timer), as upstream shows it' },
  { key: 'comm', label: 'Comm', type: 'string', description: 'name of the task on the CPU' },
];

/** Parse one event line (with or without its trailing newline); null if it does not fit the protocol. */
export function parseRetransLine(text: string): RetransEvent | null {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  const parts = line.split(SEP);
  if (parts.length < FIXED_FIELDS + 1 || parts[0] !== TAG) return null;
  const nums: number[] = [];
  for (let i = 1; i < 10; i++) {
    const n = intField(parts[i]);
    if (n === null) return null;
    nums.push(n);
  }
  const [elapsedNs, kindNo, segs, pid, sockPidPlus1, state, family, lport, rport] = nums;
  if (elapsedNs < 0 || pid < 0 || sockPidPlus1 < 0 || segs < -1) return null;
  if ((kindNo !== 1 && kindNo !== 2) || (family !== 2 && family !== 10)) return null;
  if (lport < 0 || lport > 65535 || rport < 0 || rport > 65535 || !(state in TCP_STATES)) return null;
  const laddr = parts[10];
  const raddr = parts[11];
  if (!laddr || !raddr) return null;
  const kind: RetransKind = kindNo === 2 ? 'synack' : segs === 0 ? 'not-sent' : 'retrans';
  return {
    elapsedNs,
    kind,
    segs: segs === -1 ? null : segs,
    pid,
    sockPid: sockPidPlus1 === 0 ? null : sockPidPlus1 - 1,
    state,
    family: family === 2 ? 4 : 6,
    lport,
    rport,
    laddr,
    raddr,
    comm: parts.slice(FIXED_FIELDS).join(SEP),
  };
}

export function retransRow(e: RetransEvent): Record<string, EventCellValue> {
  return {
    timeSec: e.elapsedNs / 1e9,
    kind: e.kind,
    segs: e.segs,
    state: TCP_STATES[e.state] ?? String(e.state),
    family: e.family === 4 ? 'IPv4' : 'IPv6',
    laddr: e.laddr,
    lport: e.lport,
    raddr: e.raddr,
    rport: e.rport,
    sockPid: e.sockPid,
    pid: e.pid,
    comm: e.comm,
  };
}

export interface TcpretransResult extends EventTableResult {
  /** events per kind, all of them (not only the rows kept) */
  byKind: Record<RetransKind, number>;
  /** segments retransmitted, summed over events with a known count */
  segsKnown: number;
  /** retrans events whose segment count is unknown (each is at least 1) */
  segsUnknownEvents: number;
}

export interface TcpretransParserOptions {
  maxRows?: number;
}

export function createTcpretransParser(opts: TcpretransParserOptions = {}): ToolParser<TcpretransResult> {
  const maxRows = opts.maxRows ?? TCPRETRANS_DEFAULT_MAX_ROWS;
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const rows = createEventRows(maxRows);
  const byKind: Record<RetransKind, number> = { retrans: 0, synack: 0, 'not-sent': 0 };
  let unparsedEvents = 0;
  let segsKnown = 0;
  let segsUnknownEvents = 0;

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'printf': {
        const e = parseRetransLine(rec.text);
        if (!e) {
          unparsedEvents++;
          return;
        }
        byKind[e.kind]++;
        if (e.segs === null) segsUnknownEvents++;
        else segsKnown += e.segs;
        rows.add(retransRow(e));
        return;
      }
      default:
        return;
    }
  };

  /** `latest`: only the last that many rows (snapshots); byKind and segs count every event */
  const result = (latest?: number): TcpretransResult => ({
    kind: 'events',
    columns: TCPRETRANS_COLUMNS,
    ...rows.view(latest),
    unparsedEvents,
    byKind: { ...byKind },
    segsKnown,
    segsUnknownEvents,
    stats: { ...stats },
  });

  return { push, snapshot: () => result(DEFAULT_SNAPSHOT_ROWS), finish: () => result() };
}
