import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { execsnoopTool } from '@/lib/tools/execsnoop';
import {
  assembleChunks,
  byteLengthBounds,
  CHUNK_BYTES,
  CHUNK_STRLEN,
  joinChunks,
  MAX_CHUNKS,
  SCAN_WORDS,
  splitRecord,
  stripTruncationTrailer,
} from '@/lib/tools/execsnoop/chunks';
import {
  createExecsnoopParser,
  EXECSNOOP_ARGV_KEY,
  formatArgv,
  parseExecsnoopLine,
  shellQuote,
  type ExecsnoopParserOptions,
  type ExecsnoopResult,
} from '@/lib/tools/execsnoop/parse';
import { execCases, expectedExec, pattern } from '../fixtures/execsnoop/workload';

const FIXTURES = path.resolve(__dirname, '../fixtures/execsnoop');
const TOOLS_DIR = path.resolve(__dirname, '../../bpftrace-tools');
const VERSIONS = ['0.17.0', '0.23.2'] as const;
const VARIANTS = ['execsnoop', 'execsnoop.nobtf'] as const;

/** A capture's stdout: <name>.jsonl, or <name>.jsonl.gz for the variants (kept small). */
function capture(ver: string, name: string): Buffer {
  const plain = path.join(FIXTURES, ver, `${name}.jsonl`);
  return existsSync(plain) ? readFileSync(plain) : gunzipSync(readFileSync(`${plain}.gz`));
}

function parse(recs: BtRecord[], opts?: ExecsnoopParserOptions): ExecsnoopResult {
  const p = createExecsnoopParser(opts);
  for (const r of recs) p.push(r);
  return p.finish();
}

const printf = (text: string): BtRecord => ({ type: 'printf', text });
const A = (pid: number, id: number, index: number, chunk: number, w: number, text: string) =>
  printf(`A\x1f${pid}\x1f${id}\x1f${index}\x1f${chunk}\x1f${w}\x1f${text}`);
const R = (pid: number, id: number, nargs: number, ppid: number, uid: number, ret: number, comm: string) =>
  printf(`R\x1f${pid}\x1f${id}\x1f${nargs}\x1f${ppid}\x1f${uid}\x1f${ret}\x1f${comm}`);

const argvOf = (row: Record<string, unknown>) => JSON.parse(String(row[EXECSNOOP_ARGV_KEY])) as string[];

describe('execsnoop fixtures: every exec of the workload, argv exact (0.17 on fleet11, 0.23 in the trixie chroot)', () => {
  for (const ver of VERSIONS) {
    for (const name of VARIANTS) {
      it(`${ver} ${name}`, () => {
        const facts = JSON.parse(readFileSync(path.join(FIXTURES, ver, `${name}.workload.json`), 'utf8'));
        const w = { marker: facts.marker, link: facts.link, missingPath: facts.missingPath };
        const cases = execCases(facts.marker);
        const result = parse(decodeAll(capture(ver, name), { version: ver }));
        expect(readFileSync(path.join(FIXTURES, ver, `${name}.rc`), 'utf8').trim()).toBe('0');

        expect(facts.runs).toHaveLength(cases.length);
        for (const [i, run] of (facts.runs as Array<{ name: string; pid: number }>).entries()) {
          expect(run.name).toBe(cases[i].name);
          const exp = expectedExec(w, cases[i]);
          const rows = result.rows.filter((r) => r.pid === run.pid && r.path === exp.path);
          expect(rows, `${run.name}: one row`).toHaveLength(1);
          const row = rows[0];
          expect(argvOf(row), run.name).toEqual(exp.argv);
          expect(row.args).toBe(formatArgv(exp.argv));
          expect(row).toMatchObject({ comm: exp.comm, ret: exp.ret, uid: 0, ppid: facts.ppid, notes: exp.notes });
        }

        // every exec the kernel counted is a row, nothing lost or unparsable
        expect(result.stats.lostEvents).toBe(0);
        expect(result.stats.malformedLines).toBe(0);
        expect(result.unparsedEvents).toBe(0);
        expect(result.orphanReturns).toBe(0);
        expect(result.execsCounted).toBe(result.eventsSeen);
        expect(result.rows).toHaveLength(result.eventsSeen);
      });
    }
  }

  it('concrete figures of the captures (checked by hand against the raw lines)', () => {
    const figures = Object.fromEntries(
      VERSIONS.map((ver) => {
        const r = parse(decodeAll(capture(ver, 'execsnoop'), { version: ver }));
        return [ver, { rows: r.rows.length, counted: r.execsCounted, records: r.stats.records }];
      }),
    );
    expect(figures).toMatchInlineSnapshot(`
      {
        "0.17.0": {
          "counted": 761,
          "records": 4427,
          "rows": 761,
        },
        "0.23.2": {
          "counted": 747,
          "records": 4303,
          "rows": 747,
        },
      }
    `);
  });

  it('0.17 example rows, field by field', () => {
    const facts = JSON.parse(readFileSync(path.join(FIXTURES, '0.17.0', 'execsnoop.workload.json'), 'utf8'));
    const result = parse(decodeAll(capture('0.17.0', 'execsnoop')));
    const byCase = (n: number) => result.rows.find((r) => r.pid === facts.runs[n].pid && (r.path === facts.link || r.path === facts.missingPath))!;
    expect(byCase(0).args).toBe(`${facts.marker}-0 'with space' 'dq"quote' $'sq\\'quote' '  lead and trail  '`);
    expect(byCase(1).args).toBe(`${facts.marker}-1 $'tab\\there' $'nl\\nline' 'back\\slash' $'cr\\rx'`);
    expect(byCase(3).args).toBe(`${facts.marker}-3 $'\\xff' $'x\\xffy' $'cut\\xc3'`);
    expect(byCase(4).args).toBe(`${facts.marker}-4 '' after-empty ''`);
    expect(byCase(5).args).toBe(`${facts.marker}-5 $'unit\\x1fsep' $'\\x01\\x7f\\x1b' $'\\x1f'`);
    expect(argvOf(byCase(8))[1]).toBe('é'.repeat(300));
    expect(byCase(11)).toMatchObject({ comm: 'perl', ret: -2, path: facts.missingPath });
  });
});

describe('the chunk protocol', () => {
  it('splits records with the free text last, \\x1f in it kept', () => {
    expect(splitRecord('A\x1f1\x1f2\x1ftext', 3)).toEqual({ fields: ['A', '1', '2'], rest: 'text', surplus: 0 });
    expect(splitRecord('A\x1f1\x1f2\x1fa\x1fb\x1f', 3)).toEqual({ fields: ['A', '1', '2'], rest: 'a\x1fb\x1f', surplus: 2 });
    expect(splitRecord('A\x1f1', 3)).toBeNull();
  });

  it('bounds byte lengths of decoded text (\\xNN = one byte at least)', () => {
    expect(byteLengthBounds('abc')).toEqual({ min: 3, max: 3 });
    expect(byteLengthBounds('é✓🙂')).toEqual({ min: 9, max: 9 });
    expect(byteLengthBounds('x\\xffy')).toEqual({ min: 3, max: 6 });
  });

  it("strips 0.23's '..' trailer only from a text longer than a chunk can be", () => {
    const full = 'a'.repeat(CHUNK_BYTES);
    expect(stripTruncationTrailer(`${full}..`)).toBe(full);
    expect(stripTruncationTrailer('ends in..')).toBe('ends in..');
    expect(stripTruncationTrailer(`${'a'.repeat(CHUNK_BYTES - 2)}..`)).toBe(`${'a'.repeat(CHUNK_BYTES - 2)}..`);
  });

  it('re-decodes a UTF-8 character cut by a chunk boundary', () => {
    expect(joinChunks('abc\\xc3', '\\xa9def')).toBe('abcédef');
    expect(joinChunks('x\\xe2\\x9c', '\\x93y')).toBe('x✓y');
    expect(joinChunks('x\\xf0', '\\x9f\\x99\\x82')).toBe('x🙂');
    // a real invalid byte stays visible; a following non-continuation is not merged
    expect(joinChunks('x\\xff', '\\xa9')).toBe('x\\xff\\xa9');
    expect(joinChunks('x\\xc3', 'plain')).toBe('x\\xc3plain');
  });

  it('assembles chains: complete, cut at the limit, lost, short', () => {
    const full = (c: string) => ({ text: c.repeat(CHUNK_BYTES), w: SCAN_WORDS });
    expect(assembleChunks([{ text: 'short', w: 1 }])).toEqual({ text: 'short', cut: null, chunks: 1 });
    expect(assembleChunks([full('a'), { text: 'b', w: 0 }])).toEqual({ text: `${'a'.repeat(CHUNK_BYTES)}b`, cut: null, chunks: 2 });
    // exactly one full chunk whose next byte is NUL: complete (w < SCAN_WORDS)
    expect(assembleChunks([{ text: 'a'.repeat(CHUNK_BYTES), w: SCAN_WORDS - 1 }]).cut).toBeNull();
    expect(assembleChunks(Array.from({ length: MAX_CHUNKS }, () => full('z')))).toMatchObject({ cut: 'limit', chunks: MAX_CHUNKS });
    expect(assembleChunks([full('a'), undefined, { text: 'c', w: 0 }])).toMatchObject({ text: 'a'.repeat(CHUNK_BYTES), cut: 'lost' });
    expect(assembleChunks([])).toEqual({ text: '', cut: 'lost', chunks: 0 });
    // BPFTRACE_STRLEN not applied (0.17 default 64): a "full" chunk of 63 bytes
    expect(
      assembleChunks([
        { text: 'a'.repeat(63), w: SCAN_WORDS },
        { text: 'b', w: 0 },
      ]),
    ).toMatchObject({ text: 'a'.repeat(63), cut: 'short' });
    // 0.23's trailer on a full chunk
    expect(
      assembleChunks([
        { text: `${'a'.repeat(CHUNK_BYTES)}..`, w: SCAN_WORDS },
        { text: 'b', w: 0 },
      ]).text,
    ).toBe(`${'a'.repeat(CHUNK_BYTES)}b`);
  });
});

describe('shellQuote', () => {
  it('quotes only what needs it, so the line reads back as the same argv', () => {
    expect(shellQuote('plain-arg_1.2/x=y,z:%@+')).toBe('plain-arg_1.2/x=y,z:%@+');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('dq"q')).toBe(`'dq"q'`);
    expect(shellQuote('héllo')).toBe("'héllo'");
    expect(shellQuote("it's")).toBe("$'it\\'s'");
    expect(shellQuote('t\tn\nr\r')).toBe("$'t\\tn\\nr\\r'");
    expect(shellQuote('\x01\x7f')).toBe("$'\\x01\\x7f'");
    expect(shellQuote('back\\slash')).toBe("'back\\slash'");
    expect(shellQuote("b\\s'")).toBe("$'b\\\\s\\''");
    // the decoder's escape of a non-UTF-8 byte stays a byte escape
    expect(shellQuote('x\\xffy')).toBe("$'x\\xffy'");
  });
});

describe('execsnoop parser: pairing, limits and hostile input', () => {
  it('pairs A and R records arriving in either order', () => {
    const r = parse([
      R(10, 1000, 2, 1, 0, 0, 'true'), // R first: exec moved to another CPU
      A(10, 1000, -1, 0, 1, '/bin/true'),
      A(10, 1000, 0, 0, 0, 'true'),
      A(10, 1000, 1, 0, 0, 'x'),
      A(11, 2000, -1, 0, 1, '/bin/false'),
      A(11, 2000, 0, 0, 0, 'false'),
      R(11, 2000, 1, 10, 1000, -13, 'sh'),
    ]);
    expect(r.rows).toHaveLength(2);
    expect(r.rows[0]).toMatchObject({ pid: 10, ppid: 1, comm: 'true', ret: 0, path: '/bin/true', args: 'true x', notes: '', timeSec: 0.000001 });
    expect(r.rows[1]).toMatchObject({ pid: 11, ppid: 10, uid: 1000, ret: -13, args: 'false' });
    expect(r.eventsSeen).toBe(2);
    expect(r.incompleteRows).toBe(0);
  });

  it('waits for every announced argument, then reassembles chunks', () => {
    const p = createExecsnoopParser();
    p.push(A(5, 9, -1, 0, 2, '/x'));
    p.push(R(5, 9, 1, 1, 0, 0, 'x'));
    p.push(A(5, 9, 0, 0, SCAN_WORDS, 'a'.repeat(CHUNK_BYTES)));
    expect(p.snapshot().rows).toHaveLength(0);
    expect(p.snapshot().pendingExecs).toBe(1);
    p.push(A(5, 9, 0, 1, 0, 'b'));
    const res = p.finish();
    expect(res.rows).toHaveLength(1);
    expect(argvOf(res.rows[0])).toEqual([`${'a'.repeat(CHUNK_BYTES)}b`]);
    expect(res.pendingExecs).toBe(0);
  });

  it('reports what is missing at the end instead of dropping it', () => {
    const r = parse([
      A(1, 1, -1, 0, 1, '/bin/a'),
      A(1, 1, 0, 0, 0, 'a'), // no R: still in exec at the end
      R(2, 2, 1, 1, 0, 0, 'b'), // no A: lost
      A(3, 3, -1, 0, 1, '/bin/c'),
      A(3, 3, 0, 0, SCAN_WORDS, 'c'.repeat(CHUNK_BYTES)), // chunk 1 lost
      R(3, 3, 2, 1, 0, 0, 'c'), // argv[1] lost
    ]);
    expect(r.rows).toHaveLength(3);
    const byPid = (pid: number) => r.rows.find((x) => x.pid === pid)!;
    expect(byPid(1)).toMatchObject({ ret: null, comm: null, args: 'a' });
    expect(byPid(1).notes).toMatch(/no return seen/);
    expect(byPid(2).notes).toMatch(/^path and argv lost/);
    expect(byPid(3).notes).toBe('argv[0] incomplete (records lost); argv[1] lost');
    expect(r.orphanReturns).toBe(1);
    expect(r.incompleteRows).toBe(3);
  });

  it('marks the argument limit and more than 20 arguments', () => {
    const recs = [A(1, 1, -1, 0, 1, '/p')];
    for (let k = 0; k < MAX_CHUNKS; k++) recs.push(A(1, 1, 0, k, SCAN_WORDS, 'x'.repeat(CHUNK_BYTES)));
    for (let i = 1; i < 20; i++) recs.push(A(1, 1, i, 0, 0, `a${i}`));
    recs.push(R(1, 1, 21, 1, 0, 0, 'p'));
    const r = parse(recs);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0].notes).toBe('argv[0] cut at 1272 bytes; more than 20 arguments: the rest not shown');
    expect(argvOf(r.rows[0])[0]).toHaveLength(1272);
    expect(argvOf(r.rows[0])).toHaveLength(20);
  });

  it('joins a comm or argument holding \\x1f back together', () => {
    const r = parse([A(1, 1, -1, 0, 1, '/p'), A(1, 1, 0, 0, 0, 'a\x1fb\x1f'), R(1, 1, 1, 1, 0, 0, 'c\x1fd')]);
    expect(argvOf(r.rows[0])).toEqual(['a\x1fb\x1f']);
    expect(r.rows[0].comm).toBe('c\x1fd');
  });

  it('counts records that do not fit the protocol and never throws', () => {
    const bad = [
      'A\x1fx\x1f1\x1f0\x1f0\x1f0\x1ft', // pid not a number
      'A\x1f1\x1f1\x1f20\x1f0\x1f0\x1ft', // index past 20 arguments
      'A\x1f1\x1f1\x1f-2\x1f0\x1f0\x1ft',
      `A\x1f1\x1f1\x1f0\x1f${MAX_CHUNKS}\x1f0\x1ft`, // chunk past the limit
      'A\x1f1\x1f1\x1f0\x1f0\x1f-1\x1ft',
      `A\x1f1\x1f1\x1f0\x1f0\x1f0\x1f${'x'.repeat(5000)}`, // longer than any chunk
      'A\x1f1\x1f1\x1f0',
      'R\x1f1\x1f1\x1f22\x1f1\x1f0\x1f0\x1fc', // nargs past 21
      'R\x1f1\x1f1\x1f1\x1f1\x1f0\x1f99999999999999999999\x1fc',
      'hello',
      '',
    ];
    const r = parse([...bad.map(printf), { type: 'malformed', line: '{"type": "printf", "da', reason: 'x' }, { type: 'lost_events', events: 7 }]);
    expect(r.unparsedEvents).toBe(bad.length);
    expect(r.rows).toHaveLength(0);
    expect(r.stats).toMatchObject({ malformedLines: 1, lostEvents: 7 });
    // a second R for the same exec
    const dup = parse([A(1, 1, -1, 0, 0, '/p'), R(1, 1, 0, 1, 0, 0, 'p'), R(1, 1, 0, 1, 0, 0, 'p')]);
    // the second R opens a new exec without arguments: a row of its own, counted, not hidden
    expect(dup.rows).toHaveLength(2);
    expect(dup.orphanReturns).toBe(1);
  });

  it('survives hostile raw output: truncated, invalid, very long lines, odd bytes, empty', () => {
    const good = capture('0.17.0', 'execsnoop').toString('utf8').split('\n').slice(0, 200).join('\n');
    const hostile = [
      good,
      '{"type": "printf", "data": "A\\u001f1\\u001f1\\u001f', // truncated
      'not json at all',
      `{"type": "printf", "data": "${'x'.repeat(2_000_000)}"}`,
      '{"type": "printf", "data": "R\\u001f1\\u001f1\\u001f0\\u001f1\\u001f0\\u001f0\\u001f\\uffffffff\\uffffffc3"}',
      '{"type": "printf", "data": 42}',
      '\u0000\u0001\u00ff',
    ].join('\n');
    const r = parse(decodeAll(Buffer.from(hostile), { maxLineBytes: 1_000_000 }));
    // truncated, not JSON, too long (2 MB > maxLineBytes), data not a string, control bytes
    expect(r.stats.malformedLines).toBe(5);
    expect(r.unparsedEvents).toBe(0);
    expect(r.rows.some((x) => x.comm === '\\xff\\xc3')).toBe(true); // the R with odd bytes: orphan row, comm kept visible
    expect(parse([])).toMatchObject({ rows: [], eventsSeen: 0, execsCounted: null, unparsedEvents: 0 });
    expect(parse(decodeAll(Buffer.alloc(0))).rows).toEqual([]);
  });

  it('bounds memory: rows past maxRows are counted, waiting execs past maxPending are flushed', () => {
    const recs: BtRecord[] = [];
    for (let i = 0; i < 10; i++) recs.push(A(i, i, -1, 0, 0, '/p'), A(i, i, 0, 0, 0, 'p'), R(i, i, 1, 1, 0, 0, 'p'));
    const r = parse(recs, { maxRows: 3 });
    expect(r).toMatchObject({ eventsSeen: 10, rowsDropped: 7, maxRows: 3 });
    expect(r.rows).toHaveLength(3);
    const waiting: BtRecord[] = [];
    for (let i = 0; i < 10; i++) waiting.push(A(i, i, -1, 0, 0, '/p')); // never returns
    const p = createExecsnoopParser({ maxPending: 4 });
    for (const x of waiting) p.push(x);
    expect(p.snapshot().pendingExecs).toBe(4);
    expect(p.snapshot().rows).toHaveLength(6); // the oldest six, flushed as incomplete
    expect(p.finish().rows).toHaveLength(10);
  });

  it('live snapshots carry the latest rows only; finish() all of them', () => {
    const p = createExecsnoopParser({ snapshotRows: 2 });
    for (let i = 0; i < 5; i++) for (const x of [A(i, i, -1, 0, 0, '/p'), A(i, i, 0, 0, 0, `p${i}`), R(i, i, 1, 1, 0, 0, 'p')]) p.push(x);
    const snap = p.snapshot();
    expect(snap.rows.map((r) => r.args)).toEqual(['p3', 'p4']);
    expect(snap).toMatchObject({ eventsSeen: 5, rowsDropped: 3, maxRows: 2 });
    expect(p.finish()).toMatchObject({ eventsSeen: 5, rowsDropped: 0, maxRows: 100_000 });
  });

  it('takes the kernel count from the latest @execs print', () => {
    const r = parse([
      { type: 'map', name: '@execs', keyed: false, value: 3 },
      { type: 'map', name: '@execs', keyed: false, value: 8 },
      { type: 'map', name: '@other', keyed: false, value: 99 },
    ]);
    expect(r.execsCounted).toBe(8);
  });

  it('parses single lines', () => {
    expect(parseExecsnoopLine('A\x1f7\x1f123\x1f-1\x1f0\x1f3\x1f/bin/sh')).toEqual({
      kind: 'A',
      pid: 7,
      id: '123',
      idNs: 123,
      index: -1,
      chunk: 0,
      w: 3,
      text: '/bin/sh',
    });
    expect(parseExecsnoopLine('R\x1f7\x1f123\x1f2\x1f-1\x1f0\x1f0\x1fsh')).toMatchObject({ kind: 'R', ppid: null, nargs: 2 });
    expect(parseExecsnoopLine('X\x1f1')).toBeNull();
  });
});

describe('execsnoop catalog entry and scripts agree', () => {
  /** `tracepoint:a:b` attach points of a script (outside comments), as "a:b" */
  const attachPoints = (file: string) => {
    const code = readFileSync(path.join(TOOLS_DIR, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    return [...code.matchAll(/^tracepoint:(\w+:\w+)/gm)].map((m) => m[1]).sort();
  };

  it('each variant declares exactly the tracepoints its script attaches to', () => {
    for (const v of execsnoopTool.variants) expect(attachPoints(v.file), v.id).toEqual([...(v.tracepoints ?? [])].sort());
    expect(execsnoopTool.variants.map((v) => [v.id, v.btf ?? false])).toEqual([
      ['execsnoop', true],
      ['execsnoop-nobtf', false],
    ]);
  });

  it('the scripts read chunks of the size the parser assumes, with the env that makes bpftrace do so', () => {
    expect(execsnoopTool.env).toEqual({ BPFTRACE_STRLEN: CHUNK_STRLEN, BPFTRACE_MAX_STRLEN: 1024 });
    for (const v of execsnoopTool.variants) {
      const s = readFileSync(path.join(TOOLS_DIR, v.file), 'utf8');
      expect(s).toContain(`str(uptr($p + $k * ${CHUNK_BYTES}), ${CHUNK_STRLEN})`);
      expect(s).toContain(`while ($k < ${MAX_CHUNKS})`);
      expect(s).toContain(`while ($w < ${SCAN_WORDS})`);
      expect(s).toContain('while ($i < 20)');
    }
  });

  it('the workload expectations agree with the parser on a synthetic run', () => {
    const w = { marker: 'xsnTEST', link: '/t/xsnTEST', missingPath: '/t/missing' };
    const c = execCases(w.marker)[9];
    const exp = expectedExec(w, c);
    expect(exp.notes).toBe('argv[1] cut at 1272 bytes');
    expect(exp.argv[1]).toBe(pattern(1272));
  });
});
