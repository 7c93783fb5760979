import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { CHUNK_BYTES, CHUNK_STRLEN, MAX_CHUNKS, SCAN_WORDS } from '@/lib/tools/execsnoop/chunks';
import { opensnoopTool } from '@/lib/tools/opensnoop';
import {
  createOpensnoopParser,
  formatOpenFlags,
  OPENSNOOP_FLAGS_RAW_KEY,
  parseOpensnoopLine,
  type OpensnoopParserOptions,
  type OpensnoopResult,
} from '@/lib/tools/opensnoop/parse';
import { expectedOpen, openOps, type OpenCall } from '../fixtures/opensnoop/workload';

const FIXTURES = path.resolve(__dirname, '../fixtures/opensnoop');
const TOOLS_DIR = path.resolve(__dirname, '../../bpftrace-tools');
const VERSIONS = ['0.17.0', '0.23.2'] as const;
/** variant script name -> the calls it traces */
const VARIANTS: Record<string, OpenCall[]> = {
  opensnoop: ['openat', 'open', 'openat2'],
  'opensnoop.noopen': ['openat', 'openat2'],
  'opensnoop.noopenat2': ['openat', 'open'],
  'opensnoop.openat': ['openat'],
};

function capture(ver: string, name: string): Buffer {
  const plain = path.join(FIXTURES, ver, `${name}.jsonl`);
  return existsSync(plain) ? readFileSync(plain) : gunzipSync(readFileSync(`${plain}.gz`));
}

function parse(recs: BtRecord[], opts?: OpensnoopParserOptions): OpensnoopResult {
  const p = createOpensnoopParser(opts);
  for (const r of recs) p.push(r);
  return p.finish();
}

const printf = (text: string): BtRecord => ({ type: 'printf', text });
const O = (id: number, pid: number, tid: number, ret: number, flags: number, w: number, comm: string, text: string) =>
  printf(`O\x1f${id}\x1f${pid}\x1f${tid}\x1f0\x1f${ret}\x1f${flags}\x1f${w}\x1f${comm}\x1f${text}`);
const C = (id: number, tid: number, chunk: number, w: number, text: string) => printf(`C\x1f${id}\x1f${tid}\x1f${chunk}\x1f${w}\x1f${text}`);

describe('opensnoop fixtures: every open of the workload, path and errno exact', () => {
  for (const ver of VERSIONS) {
    for (const [name, calls] of Object.entries(VARIANTS)) {
      it(`${ver} ${name}: ${calls.join(', ')}`, () => {
        const facts = JSON.parse(readFileSync(path.join(FIXTURES, ver, `${name}.workload.json`), 'utf8'));
        const result = parse(decodeAll(capture(ver, name), { version: ver }));
        expect(readFileSync(path.join(FIXTURES, ver, `${name}.rc`), 'utf8').trim()).toBe('0');
        const ops = openOps(facts.dir);
        expect(ops).toHaveLength(facts.ops);
        const mine = result.rows.filter((r) => r.pid === facts.pid && String(r.path).startsWith(facts.dir));
        const traced = ops.filter((op) => calls.includes(op.call));
        // exactly the opens of the calls this variant traces, each once
        expect(mine).toHaveLength(traced.length);
        for (const op of traced) {
          const exp = expectedOpen(op);
          const rows = mine.filter((r) => r.path === exp.path && r[OPENSNOOP_FLAGS_RAW_KEY] === exp.flagsRaw);
          expect(rows, `${op.call} ${exp.path.slice(-40)}`).toHaveLength(1);
          expect(rows[0]).toMatchObject({ comm: 'perl', tid: facts.pid, uid: 0, errno: exp.errno, notes: exp.notes });
          if (exp.opened) expect(rows[0].fd as number).toBeGreaterThanOrEqual(0);
          else expect(rows[0].fd).toBe(-1);
        }
        expect(result.stats.lostEvents).toBe(0);
        expect(result.stats.malformedLines).toBe(0);
        expect(result.unparsedEvents).toBe(0);
        expect(result.orphanChunks).toBe(0);
        // the kernel's count: every open a row, but for the last ~0.1 s bpftrace left unread at SIGINT
        expect(result.eventsSeen + result.notReceived!).toBe(result.opensCounted);
        expect(result.notReceived!).toBeLessThan(0.1 * result.opensCounted!);
        // the ambiguous rows are the workloads' \x1f names (captures on both hosts ran at the same time)
        const flagged = result.rows.filter((r) => String(r.notes).includes('comm/path split uncertain'));
        expect(flagged).toHaveLength(result.ambiguousRows);
        for (const r of flagged) expect(String(r.path)).toMatch(/\/unit\x1fsep$/);
        expect(result.ambiguousRows).toBeGreaterThanOrEqual(calls.length);
      });
    }
  }

  it('concrete figures and rows of the 0.17 and 0.23 captures', () => {
    const figures = Object.fromEntries(
      VERSIONS.map((ver) => {
        const r = parse(decodeAll(capture(ver, 'opensnoop'), { version: ver }));
        return [ver, { rows: r.rows.length, counted: r.opensCounted, incomplete: r.incompleteRows, records: r.stats.records }];
      }),
    );
    expect(figures).toMatchInlineSnapshot(`
      {
        "0.17.0": {
          "counted": 3952,
          "incomplete": 6,
          "records": 4024,
          "rows": 3952,
        },
        "0.23.2": {
          "counted": 5100,
          "incomplete": 6,
          "records": 5171,
          "rows": 5100,
        },
      }
    `);
    const facts = JSON.parse(readFileSync(path.join(FIXTURES, '0.17.0', 'opensnoop.workload.json'), 'utf8'));
    const r = parse(decodeAll(capture('0.17.0', 'opensnoop')));
    const row = (suffix: string, flags: number) => r.rows.find((x) => x.pid === facts.pid && x.path === `${facts.dir}/${suffix}` && x.flagsRaw === flags)!;
    expect(row('with space', 0o2000000)).toMatchObject({ errno: 0, flags: 'O_RDONLY|O_CLOEXEC', notes: '' });
    expect(row('dq"quote', 0)).toMatchObject({ errno: 2, fd: -1, flags: 'O_RDONLY' });
    expect(row('tab\there', 0o400)).toMatchObject({ errno: 2, flags: 'O_RDONLY|O_NOCTTY' });
    expect(row('nl\nline', 0)).toMatchObject({ errno: 0 });
    expect(row('héllo ✓ 日本', 0)).toMatchObject({ errno: 0 });
    expect(row('x\\xffy', 0)).toMatchObject({ errno: 0 });
    expect(row('back\\slash', 0)).toMatchObject({ errno: 2 });
    expect(row('ctl\x01\x7f', 0)).toMatchObject({ errno: 2 });
  });
});

describe('formatOpenFlags', () => {
  it('names access mode and flags (x86-64 values), unknown bits in hex', () => {
    expect(formatOpenFlags(0)).toBe('O_RDONLY');
    expect(formatOpenFlags(0o1101)).toBe('O_WRONLY|O_CREAT|O_TRUNC');
    expect(formatOpenFlags(0o2004002)).toBe('O_RDWR|O_NONBLOCK|O_CLOEXEC');
    expect(formatOpenFlags(0o4010001)).toBe('O_WRONLY|O_SYNC');
    expect(formatOpenFlags(0o20200002)).toBe('O_RDWR|O_TMPFILE');
    expect(formatOpenFlags(0o200000)).toBe('O_RDONLY|O_DIRECTORY');
    expect(formatOpenFlags(0x80000000 + 1)).toBe('O_WRONLY|0x80000000');
    expect(formatOpenFlags(2 ** 40)).toBe('O_RDONLY|0x10000000000');
  });
});

describe('opensnoop parser', () => {
  it('one row per open: fd or errno, flags, comm and path', () => {
    const r = parse([O(1_500_000_000, 7, 8, 3, 0o2000000, 3, 'cat', '/etc/hosts'), O(1_600_000_000, 7, 8, -2, 0, 2, 'cat', 'rel/missing')]);
    expect(r.rows).toEqual([
      { timeSec: 1.5, comm: 'cat', pid: 7, tid: 8, uid: 0, fd: 3, errno: 0, flags: 'O_RDONLY|O_CLOEXEC', path: '/etc/hosts', notes: '', flagsRaw: 0o2000000 },
      { timeSec: 1.6, comm: 'cat', pid: 7, tid: 8, uid: 0, fd: -1, errno: 2, flags: 'O_RDONLY', path: 'rel/missing', notes: '', flagsRaw: 0 },
    ]);
    expect(r.eventsSeen).toBe(2);
  });

  it('completes long paths from C records; a snapshot in between is not changed afterwards', () => {
    const p = createOpensnoopParser();
    p.push(O(5, 1, 2, -2, 0, SCAN_WORDS, 'x', 'a'.repeat(CHUNK_BYTES - 1) + '\\xc3'));
    const mid = p.snapshot();
    expect(mid.rows[0]).toMatchObject({ notes: 'path: more to come' });
    p.push(C(5, 2, 1, 0, '\\xa9tail'));
    const done = p.finish();
    expect(done.rows[0]).toMatchObject({ path: `${'a'.repeat(CHUNK_BYTES - 1)}étail`, notes: '' });
    expect(mid.rows[0].notes).toBe('path: more to come');
    expect(done.incompleteRows).toBe(0);
  });

  it('marks paths cut at the limit, and chunks lost', () => {
    const recs: BtRecord[] = [O(9, 1, 1, -2, 0, SCAN_WORDS, 'x', 'p'.repeat(CHUNK_BYTES))];
    for (let k = 1; k < MAX_CHUNKS; k++) recs.push(C(9, 1, k, SCAN_WORDS, 'p'.repeat(CHUNK_BYTES)));
    recs.push(O(10, 1, 1, -2, 0, SCAN_WORDS, 'x', 'q'.repeat(CHUNK_BYTES))); // its C records never come
    const r = parse(recs);
    expect(r.rows[0]).toMatchObject({ notes: 'path cut at 1272 bytes' });
    expect(String(r.rows[0].path)).toHaveLength(1272);
    expect(r.rows[1]).toMatchObject({ path: 'q'.repeat(CHUNK_BYTES), notes: 'path incomplete (records lost)' });
    expect(r.incompleteRows).toBe(2);
    expect(parse([C(1, 1, 1, 0, 'x')]).orphanChunks).toBe(1);
  });

  it('gives surplus \\x1f to the path and counts the row as ambiguous', () => {
    const r = parse([O(1, 1, 1, -2, 0, 1, 'perl', '/d/unit\x1fsep'), O(2, 1, 1, -2, 0, 1, 'a\x1fb', '/d/x')]);
    expect(r.rows[0]).toMatchObject({ comm: 'perl', path: '/d/unit\x1fsep', notes: 'comm/path split uncertain (\\x1f in the text)' });
    // a comm holding \x1f is read wrongly, but flagged
    expect(r.rows[1]).toMatchObject({ comm: 'a', path: 'b\x1f/d/x' });
    expect(r.ambiguousRows).toBe(2);
  });

  it('counts what does not fit the protocol, never throws, bounds memory', () => {
    const bad = [
      'O\x1f1\x1f1\x1f1\x1f0\x1f-2\x1f0\x1f1\x1fno-path-field',
      'O\x1fx\x1f1\x1f1\x1f0\x1f-2\x1f0\x1f1\x1fc\x1fp',
      'O\x1f1\x1f1\x1f1\x1f0\x1f-2\x1f0\x1f-1\x1fc\x1fp',
      `O\x1f1\x1f1\x1f1\x1f0\x1f-2\x1f0\x1f1\x1fc\x1f${'p'.repeat(5000)}`,
      'C\x1f1\x1f1\x1f0\x1f0\x1fchunk 0 comes in O records only',
      `C\x1f1\x1f1\x1f${MAX_CHUNKS}\x1f0\x1fpast the limit`,
      'C\x1f1',
      'garbage',
    ];
    const r = parse([
      ...bad.map(printf),
      { type: 'malformed', line: '{', reason: 'x' },
      { type: 'lost_events', events: 3 },
      { type: 'helper_error', helper: 'map_delete_elem', retcode: -2 },
    ]);
    expect(r.unparsedEvents).toBe(bad.length);
    expect(r.stats).toMatchObject({ malformedLines: 1, lostEvents: 3, helperErrors: 1 });
    expect(r.rows).toHaveLength(0);

    const many: BtRecord[] = [];
    for (let i = 0; i < 10; i++) many.push(O(i, 1, 1, 3, 0, 0, 'c', `/f${i}`));
    expect(parse(many, { maxRows: 4 })).toMatchObject({ eventsSeen: 10, rowsDropped: 6 });
    // long paths whose rest never comes: the oldest are settled as incomplete past maxOpenPaths
    const open: BtRecord[] = [];
    for (let i = 0; i < 10; i++) open.push(O(i, 1, i, 3, 0, SCAN_WORDS, 'c', 'z'.repeat(CHUNK_BYTES)));
    const p = createOpensnoopParser({ maxOpenPaths: 3 });
    for (const x of open) p.push(x);
    expect(p.snapshot().incompleteRows).toBe(7);
    expect(p.finish().incompleteRows).toBe(10);

    expect(parse([])).toMatchObject({ rows: [], eventsSeen: 0, opensCounted: null });
    const hostile = [
      capture('0.23.2', 'opensnoop').toString('utf8').split('\n').slice(0, 100).join('\n'),
      '{"type": "printf", "data": "O\\u001f1',
      '{"type": "map", "data": {"@opens": "not a number"}}',
      `{"type":"printf","data":"${'y'.repeat(300_000)}"}`,
    ].join('\n');
    const h = parse(decodeAll(Buffer.from(hostile), { maxLineBytes: 100_000 }));
    expect(h.stats.malformedLines).toBe(2);
    expect(h.rows.length).toBeGreaterThan(50);
  });

  it('live snapshots carry the latest rows only; finish() all of them', () => {
    const p = createOpensnoopParser({ snapshotRows: 3 });
    for (let i = 0; i < 10; i++) p.push(O(i, 1, 1, 3, 0, 0, 'c', `/f${i}`));
    expect(p.snapshot().rows.map((r) => r.path)).toEqual(['/f7', '/f8', '/f9']);
    expect(p.snapshot()).toMatchObject({ rowsDropped: 7, maxRows: 3 });
    expect(p.finish().rows).toHaveLength(10);
  });

  it('takes the kernel count from the latest @opens print', () => {
    expect(
      parse([
        { type: 'map', name: '@opens', keyed: false, value: 2 },
        { type: 'map', name: '@opens', keyed: false, value: 9 },
      ]).opensCounted,
    ).toBe(9);
  });

  it('parses single lines', () => {
    expect(parseOpensnoopLine('O\x1f12\x1f3\x1f4\x1f1000\x1f5\x1f524288\x1f2\x1fsh\x1f/x')).toEqual({
      kind: 'O',
      id: '12',
      idNs: 12,
      pid: 3,
      tid: 4,
      uid: 1000,
      ret: 5,
      flags: 524288,
      w: 2,
      comm: 'sh',
      text: '/x',
      ambiguous: false,
    });
    expect(parseOpensnoopLine('C\x1f12\x1f4\x1f1\x1f0\x1fmore')).toEqual({ kind: 'C', id: '12', tid: 4, chunk: 1, w: 0, text: 'more' });
  });
});

describe('opensnoop catalog entry and scripts agree', () => {
  const code = (file: string) =>
    readFileSync(path.join(TOOLS_DIR, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
  const attachPoints = (file: string) => [...code(file).matchAll(/^tracepoint:(\w+:\w+)/gm)].map((m) => m[1]).sort();

  it('each variant declares exactly the tracepoints its script attaches to, best first', () => {
    expect(opensnoopTool.variants.map((v) => v.file)).toEqual(Object.keys(VARIANTS).map((n) => `${n}.bt`));
    for (const v of opensnoopTool.variants) expect(attachPoints(v.file), v.id).toEqual([...(v.tracepoints ?? [])].sort());
  });

  it('the variants are opensnoop.bt with other attach lists (nothing else drifts)', () => {
    // the program without attach lines and without the openat2 entry probe (absent from two variants)
    const body = (file: string) =>
      code(file)
        .replace(/tracepoint:syscalls:sys_enter_openat2\n\{[^}]*\}\n/, '')
        .split('\n')
        .filter((l) => !l.startsWith('tracepoint:') && l.trim() !== '')
        .join('\n');
    const main = body('opensnoop.bt');
    for (const v of opensnoopTool.variants) expect(body(v.file), v.file).toBe(main);
  });

  it('reads chunks of the size the parser assumes', () => {
    expect(opensnoopTool.env).toEqual({ BPFTRACE_STRLEN: CHUNK_STRLEN, BPFTRACE_MAX_STRLEN: 1024 });
    const s = code('opensnoop.bt');
    expect(s).toContain(`str(uptr($p + $k * ${CHUNK_BYTES}), ${CHUNK_STRLEN})`);
    expect(s).toContain(`str(uptr($p), ${CHUNK_STRLEN})`);
    expect(s).toContain(`while ($k < ${MAX_CHUNKS})`);
    expect(s).toContain(`while ($w < ${SCAN_WORDS})`);
  });
});
