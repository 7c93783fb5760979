import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { tcplifeTool } from '@/lib/tools/tcplife';
import { createTcplifeParser, OTHER_NODE, parseSessionLine, type TcplifeResult } from '@/lib/tools/tcplife/parse';

const FIXTURES = path.resolve(__dirname, '../fixtures/tcplife');
const VERSIONS = ['0.17.0', '0.23.2'] as const;

interface Workload {
  clientPid: number;
  serverPid: number;
  sessions: Array<{ family: number; laddr: string; lport: number; raddr: string; rport: number; sent: number; received: number }>;
}

function run(recs: BtRecord[], opts = {}): TcplifeResult {
  const p = createTcplifeParser(opts);
  for (const r of recs) p.push(r);
  return p.finish();
}

const line = (...f: Array<string | number>): BtRecord => ({ type: 'printf', text: ['tcplife', ...f].join('\x1f') + '\n' });

describe('tcplife golden captures (6 loopback sessions, IPv4 and IPv6, client comm "tl\\x1fodd,comm")', () => {
  for (const v of VERSIONS) {
    it(`${v}: both ends of every session, exact pids, comm with \\x1f intact, bytes = payload + SYN/FIN`, () => {
      const res = run(decodeAll(readFileSync(path.join(FIXTURES, v, 'tcplife.jsonl'))));
      const w = JSON.parse(readFileSync(path.join(FIXTURES, v, 'workload.json'), 'utf8')) as Workload;
      expect(res.kind).toBe('connections');
      expect(res.eventsSeen).toBe(12);
      expect(res.unparsedEvents).toBe(0);
      expect(res.stats).toEqual({ records: 13, lostEvents: 0, malformedLines: 0, helperErrors: 0 });
      for (const s of w.sessions) {
        const client = res.rows.find((r) => r.lport === s.lport && r.rport === s.rport)!;
        const server = res.rows.find((r) => r.lport === s.rport && r.rport === s.lport)!;
        expect(client).toMatchObject({
          pid: w.clientPid,
          comm: 'tl\x1fodd,comm',
          dir: 'out',
          family: s.family === 4 ? 'IPv4' : 'IPv6',
          laddr: s.laddr,
          raddr: s.raddr,
          // bytes_acked counts the SYN and the FIN, bytes_received the peer's FIN
          txBytes: s.sent + 2,
          rxBytes: s.received + 1,
        });
        expect(server).toMatchObject({ pid: w.serverPid, comm: 'tl-server', dir: 'in', txBytes: s.received + 1, rxBytes: s.sent + 1 });
        expect(client.durationMs as number).toBeGreaterThan(0);
        expect(client.durationMs as number).toBeLessThan(1000);
      }
      // graph: client process -> each service, each client host -> the server process on each port
      expect(res.graph.edges).toHaveLength(4);
      const out4 = res.graph.edges.find((e) => e.source === `p:${w.clientPid}:tl\x1fodd,comm` && e.target.startsWith('e:127.0.0.1:'))!;
      expect(out4.connections).toBe(3);
      expect(out4.txBytes).toBe(w.sessions.filter((s) => s.family === 4).reduce((a, s) => a + s.sent + 2, 0));
      const in6 = res.graph.edges.find((e) => e.source === 'h:::1')!;
      expect(in6.target).toBe(`p:${w.serverPid}:tl-server:${w.sessions[1].rport}`);
      expect(res.graph.nodes.find((n) => n.id === `e:[::1]:${w.sessions[1].rport}`)!.label).toBe(`[::1]:${w.sessions[1].rport}`);
    });
  }
});

describe('tcplife lines', () => {
  it('parses numbers first, comm last with any \\x1f kept', () => {
    expect(parseSessionLine('tcplife\x1f5\x1f10\x1f1\x1f2\x1f1000\x1f80\x1f7\x1f9\x1f3000000\x1f10.0.0.1\x1f10.0.0.2\x1fa\x1fb\x1f\n')).toEqual({
      elapsedNs: 5,
      pid: 10,
      dir: 'out',
      family: 4,
      lport: 1000,
      rport: 80,
      txBytes: 7,
      rxBytes: 9,
      durationNs: 3_000_000,
      laddr: '10.0.0.1',
      raddr: '10.0.0.2',
      comm: 'a\x1fb\x1f',
    });
  });

  it('a comm ending in a newline keeps it (only the format newline is removed)', () => {
    expect(parseSessionLine('tcplife\x1f5\x1f10\x1f2\x1f10\x1f1\x1f2\x1f0\x1f0\x1f0\x1f::1\x1f::1\x1fx\n\n')!.comm).toBe('x\n');
  });

  it('rejects what does not fit', () => {
    const ok = ['tcplife', 5, 10, 1, 2, 1000, 80, 7, 9, 3, '1.1.1.1', '2.2.2.2', 'c'];
    const bad = (i: number, v: string | number) => parseSessionLine(ok.map((x, j) => (j === i ? v : x)).join('\x1f'));
    expect(parseSessionLine(ok.join('\x1f'))).not.toBeNull();
    expect(bad(0, 'tcpretrans')).toBeNull();
    expect(bad(3, 3)).toBeNull(); // direction
    expect(bad(4, 7)).toBeNull(); // family
    expect(bad(5, 70000)).toBeNull(); // port
    expect(bad(7, -1)).toBeNull();
    expect(bad(8, '1e3')).toBeNull();
    expect(bad(10, '')).toBeNull();
    expect(parseSessionLine(ok.slice(0, 12).join('\x1f'))).toBeNull(); // no comm field at all
  });
});

describe('tcplife hostile input and bounds', () => {
  it('empty capture', () => {
    const res = run(decodeAll(''));
    expect(res.rows).toEqual([]);
    expect(res.graph).toEqual({ nodes: [], edges: [] });
  });

  it('truncated, invalid, very long and non-UTF-8 lines are counted, never thrown', () => {
    const good = readFileSync(path.join(FIXTURES, '0.17.0', 'tcplife.jsonl'), 'utf8').split('\n');
    const text = [
      good[0],
      good[1].slice(0, 40),
      '{"type": "printf", "data": "tcplife\\u001fnope"}',
      '\u0000\u00ff garbage',
      `{"type": "printf", "data": "tcplife${'\\u001f1'.repeat(50_000)}"}`,
      // a comm of raw bytes >= 0x80 (bpftrace's \uffffffXX escapes), one of them invalid UTF-8
      '{"type": "printf", "data": "tcplife\\u001f1\\u001f2\\u001f1\\u001f2\\u001f3\\u001f4\\u001f5\\u001f6\\u001f7\\u001f1.2.3.4\\u001f5.6.7.8\\u001fh\\uffffffc3\\uffffffa9\\uffffffff\\n"}',
      '{"type": "lost_events", "data": {"events": 3}}',
      good[2],
    ].join('\n');
    const res = run(decodeAll(text));
    expect(res.stats.malformedLines).toBe(2);
    expect(res.stats.lostEvents).toBe(3);
    expect(res.unparsedEvents).toBe(2);
    expect(res.eventsSeen).toBe(2);
    expect(res.rows[0].comm).toBe('h\u00e9\\xff');
  });

  it('rows are capped and graph edges bounded ("other" node), everything still counted', () => {
    const recs: BtRecord[] = [];
    for (let i = 0; i < 50; i++) recs.push(line(i, 100 + i, 1, 2, 40000 + i, 80, 10, 20, 1000, '10.0.0.1', `10.1.0.${i}`, `c${i}`));
    const res = run(recs, { maxRows: 10, maxEdges: 5 });
    expect(res.rows).toHaveLength(10);
    expect(res.eventsSeen).toBe(50);
    expect(res.rowsDropped).toBe(40);
    expect(res.graph.edges.length).toBeLessThanOrEqual(6);
    expect(res.sessionsInOther).toBe(45);
    const other = res.graph.edges.find((e) => e.source === OTHER_NODE && e.target === OTHER_NODE)!;
    expect(other.connections).toBe(45);
    expect(res.graph.edges.reduce((a, e) => a + e.txBytes, 0)).toBe(50 * 10);
  });
});

describe('tcplife catalog entry', () => {
  it('one tracepoint variant, declared, needing BTF for the tcp_sock reads', () => {
    expect(tcplifeTool.variants).toHaveLength(1);
    const v = tcplifeTool.variants[0];
    const script = readFileSync(path.resolve(__dirname, '../../bpftrace-tools', v.file), 'utf8');
    expect(new Set([...script.matchAll(/^tracepoint:(\w+:\w+)/gm)].map((m) => m[1]))).toEqual(new Set(v.tracepoints));
    expect(v.btf).toBe(true);
    expect(script).toMatch(/struct tcp_sock \*/);
  });
});
