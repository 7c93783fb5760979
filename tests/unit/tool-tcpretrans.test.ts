import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { tcpretransTool } from '@/lib/tools/tcpretrans';
import { createTcpretransParser, parseRetransLine, type TcpretransResult } from '@/lib/tools/tcpretrans/parse';

const FIXTURES = path.resolve(__dirname, '../fixtures/tcpretrans');

function run(recs: BtRecord[], opts = {}): TcpretransResult {
  const p = createTcpretransParser(opts);
  for (const r of recs) p.push(r);
  return p.finish();
}

/** TcpRetransSegs of the client namespace, from the capture's nstat.txt */
function nstatRetransSegs(v: string): number {
  const text = readFileSync(path.join(FIXTURES, v, 'nstat.txt'), 'utf8');
  return Number(/# client namespace[\s\S]*?TcpRetransSegs\s+(\d+)/.exec(text)![1]);
}

const line = (...f: Array<string | number>): BtRecord => ({ type: 'printf', text: ['tcpretrans', ...f].join('\x1f') + '\n' });

describe('tcpretrans golden captures (2 MB over a veth pair, 10 % of packets dropped)', () => {
  const cases = [
    { v: '0.17.0', events: 213, notSent: 15, lport: 50574 },
    { v: '0.23.2', events: 348, notSent: 8, lport: 43916 },
  ];
  for (const c of cases) {
    it(`${c.v}: every event is the test's connection; segments add up to the kernel's TcpRetransSegs`, () => {
      const res = run(decodeAll(readFileSync(path.join(FIXTURES, c.v, 'tcpretrans.jsonl'))));
      const w = JSON.parse(readFileSync(path.join(FIXTURES, c.v, 'workload.json'), 'utf8')) as { lport: number };
      expect(w.lport).toBe(c.lport);
      expect(res.kind).toBe('events');
      expect(res.eventsSeen).toBe(c.events);
      expect(res.unparsedEvents).toBe(0);
      expect(res.stats.lostEvents).toBe(0);
      expect(res.byKind).toEqual({ retrans: c.events - c.notSent, synack: 0, 'not-sent': c.notSent });
      for (const r of res.rows) {
        expect(r).toMatchObject({ family: 'IPv4', laddr: '10.231.250.1', lport: c.lport, raddr: '10.231.250.2', rport: 40999 });
      }
      // the first event of the socket has no previous counter value: unknown count, sent
      expect(res.segsUnknownEvents).toBe(1);
      expect(res.rows[0]).toMatchObject({ kind: 'retrans', segs: null, state: 'ESTABLISHED' });
      expect(res.segsKnown + res.segsUnknownEvents).toBe(nstatRetransSegs(c.v));
      // the client connected while tracing: its owner is known, and it is the client
      expect(new Set(res.rows.map((r) => r.sockPid)).size).toBe(1);
      expect(res.rows[0].sockPid).toEqual(expect.any(Number));
      expect(res.rows.map((r) => r.state)).toContain('FIN_WAIT1');
    });
  }
});

describe('tcpretrans lines', () => {
  it('kinds, unknown and zero segment counts, owner pid, IPv6, comm last', () => {
    expect(parseRetransLine('tcpretrans\x1f7\x1f1\x1f2\x1f0\x1f101\x1f1\x1f10\x1f443\x1f5555\x1f::1\x1ffe80::1\x1fswapper/0\x1f\n')).toEqual({
      elapsedNs: 7,
      kind: 'retrans',
      segs: 2,
      pid: 0,
      sockPid: 100,
      state: 1,
      family: 6,
      lport: 443,
      rport: 5555,
      laddr: '::1',
      raddr: 'fe80::1',
      comm: 'swapper/0\x1f',
    });
    expect(parseRetransLine('tcpretrans\x1f7\x1f1\x1f0\x1f9\x1f0\x1f1\x1f2\x1f1\x1f2\x1fa\x1fb\x1fc')).toMatchObject({
      kind: 'not-sent',
      segs: 0,
      sockPid: null,
    });
    expect(parseRetransLine('tcpretrans\x1f7\x1f1\x1f-1\x1f9\x1f0\x1f4\x1f2\x1f1\x1f2\x1fa\x1fb\x1fc')).toMatchObject({ kind: 'retrans', segs: null });
    expect(parseRetransLine('tcpretrans\x1f7\x1f2\x1f1\x1f9\x1f0\x1f12\x1f2\x1f1\x1f2\x1fa\x1fb\x1fc')).toMatchObject({ kind: 'synack', state: 12 });
  });

  it('rejects what does not fit', () => {
    const ok = ['tcpretrans', 7, 1, 1, 9, 0, 1, 2, 1, 2, 'a', 'b', 'c'];
    const bad = (i: number, v: string | number) => parseRetransLine(ok.map((x, j) => (j === i ? v : x)).join('\x1f'));
    expect(parseRetransLine(ok.join('\x1f'))).not.toBeNull();
    expect(bad(2, 3)).toBeNull(); // kind
    expect(bad(3, -2)).toBeNull(); // segs
    expect(bad(6, 13)).toBeNull(); // state
    expect(bad(7, 3)).toBeNull(); // family
    expect(bad(9, 65536)).toBeNull();
    expect(bad(11, '')).toBeNull();
    expect(parseRetransLine(ok.slice(0, 12).join('\x1f'))).toBeNull();
  });
});

describe('tcpretrans hostile input and bounds', () => {
  it('empty capture', () => {
    const res = run(decodeAll(''));
    expect(res.rows).toEqual([]);
    expect(res.eventsSeen).toBe(0);
  });

  it('truncated, invalid, very long and odd lines are counted, never thrown', () => {
    const good = readFileSync(path.join(FIXTURES, '0.23.2', 'tcpretrans.jsonl'), 'utf8').split('\n');
    const text = [
      good[0],
      good[1].slice(0, 50),
      '{"type": "printf", "data": 12}',
      '{"type": "printf", "data": "tcpretrans\\u001f\\u001f\\u001f"}',
      `{"type": "printf", "data": "${'\\u001f'.repeat(100_000)}"}`,
      '\u00ff\u00fe',
      '{"type": "printf", "data": "tcpretrans\\u001f1\\u001f1\\u001f1\\u001f0\\u001f0\\u001f1\\u001f2\\u001f1\\u001f2\\u001f1.1.1.1\\u001f2.2.2.2\\u001f\\uffffffe6\\uffffff97\\uffffffa5\\uffffff80\\n"}',
      '{"type": "helper_error", "helper": "map_update_elem", "retcode": -7, "line": 1, "col": 1}',
      good[2],
    ].join('\n');
    const res = run(decodeAll(text));
    expect(res.stats.malformedLines).toBe(3);
    expect(res.stats.helperErrors).toBe(1);
    expect(res.unparsedEvents).toBe(2);
    expect(res.eventsSeen).toBe(2);
    expect(res.rows[0].comm).toBe('\u65e5\\x80');
  });

  it('rows are capped, the rest counted', () => {
    const recs: BtRecord[] = [];
    for (let i = 0; i < 30; i++) recs.push(line(i, 1, 1, 0, 0, 1, 2, 1000, 80, '10.0.0.1', '10.0.0.2', 'x'));
    const res = run(recs, { maxRows: 7 });
    expect(res.rows).toHaveLength(7);
    expect(res.rowsDropped).toBe(23);
    expect(res.segsKnown).toBe(30);
  });
});

describe('tcpretrans catalog entry', () => {
  it('one tracepoint variant, every tracepoint declared, BTF for total_retrans', () => {
    const v = tcpretransTool.variants[0];
    const script = readFileSync(path.resolve(__dirname, '../../bpftrace-tools', v.file), 'utf8');
    expect(new Set([...script.matchAll(/^tracepoint:(\w+:\w+)/gm)].map((m) => m[1]))).toEqual(new Set(v.tracepoints));
    expect(v.btf).toBe(true);
  });
});
