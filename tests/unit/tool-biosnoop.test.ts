/**
 * biosnoop parser: golden tests on real captures of both variants from bpftrace 0.17 and 0.23
 * (tests/fixtures/biosnoop, see CAPTURE.md: 256 O_DIRECT 4 KiB writes by a dd named "bdk\x1fddé", then 256
 * reads by "bdkdd,read", of a file whose extent filefrag recorded), and hostile input.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { biosnoopTool } from '@/lib/tools/biosnoop';
import { BIOSNOOP_COLUMNS, createBiosnoopParser, devName, OffsetGrid, opOf, parseBioEvent, type BiosnoopParserOptions } from '@/lib/tools/biosnoop/parse';
import type { BlockIoResult } from '@/lib/tools/types';

const FIXTURES = path.resolve(__dirname, '../fixtures/biosnoop');
const VERSIONS = ['0.17.0', '0.23.2'] as const;
const SCRIPTS = ['biosnoop', 'biosnoop.rq'] as const;
const raw = (v: string, s: string) => readFileSync(path.join(FIXTURES, v, `${s}.jsonl`));

const WRITER = 'bdk\x1fdd\u00e9';
const READER = 'bdkdd,read';

/** first sector of the workload file, from `filefrag -v` (physical 4 KiB block * 8) */
function fileStartSector(v: string, s: string): number {
  const text = readFileSync(path.join(FIXTURES, v, `${s}.filefrag`), 'utf8');
  const m = /^\s+0:\s+0\.\.\s+255:\s+(\d+)\.\.\s+\d+:\s+256:/m.exec(text);
  if (!m) throw new Error('unexpected filefrag output');
  return Number(m[1]) * 8;
}

function parse(input: Buffer | string, opts?: BiosnoopParserOptions): BlockIoResult {
  const p = createBiosnoopParser(opts);
  for (const r of decodeAll(input)) p.push(r);
  return p.finish();
}

function parseRecords(recs: BtRecord[], opts?: BiosnoopParserOptions): BlockIoResult {
  const p = createBiosnoopParser(opts);
  for (const r of recs) p.push(r);
  return p.finish();
}

const io = (fields: Array<string | number>) => `io\x1f${fields.join('\x1f')}\n`;

describe('devName, opOf', () => {
  it('splits the kernel dev_t (major << 20 | minor)', () => {
    expect(devName(266338304)).toBe('254:0');
    expect(devName((8 << 20) | 17)).toBe('8:17');
    expect(devName((259 << 20) | 1048575)).toBe('259:1048575');
    expect(devName(0)).toBe('0:0');
  });

  it('reads the operation out of rwbs', () => {
    expect(['W', 'WS', 'WFS', 'FWS', 'WM', 'R', 'RA', 'RS', 'RM', 'D', 'DS', 'DE', 'F', 'FF', 'FN', 'N', ''].map(opOf)).toEqual([
      'W',
      'W',
      'W',
      'W',
      'W',
      'R',
      'R',
      'R',
      'R',
      'D',
      'D',
      'D',
      'F',
      'F',
      'N',
      'N',
      'N',
    ]);
  });
});

describe('parseBioEvent', () => {
  it('reads every field; queued -1 means the pid is the issuer', () => {
    expect(parseBioEvent(io([1203704412, 266338304, 51912704, 'WS', 8, 0, 160519, 17255, 2935, 'dd']))).toEqual({
      tSec: 1.203704412,
      devT: 266338304,
      disk: '254:0',
      sector: 51912704,
      rwbs: 'WS',
      op: 'W',
      bytes: 4096,
      error: 0,
      latencyNs: 160519,
      queuedNs: 17255,
      pid: 2935,
      comm: 'dd',
      who: 'submitter',
    });
    const e = parseBioEvent(io([5, 8 << 20, 0, 'R', 256, -5, 1, -1, 77, 'kworker/u8:4']))!;
    expect([e.queuedNs, e.who, e.error, e.bytes, e.disk]).toEqual([null, 'issuer', 5, 131072, '8:0']);
  });

  it('joins a comm holding the separator back together, and keeps any other bytes', () => {
    expect(parseBioEvent(io([1, 1, 1, 'W', 8, 0, 1, 1, 1, 'a\x1fb\x1f']))!.comm).toBe('a\x1fb\x1f');
    expect(parseBioEvent(io([1, 1, 1, 'W', 8, 0, 1, 1, 1, '']))!.comm).toBe('');
    expect(parseBioEvent(io([1, 1, 1, 'W', 8, 0, 1, 1, 1, 'new\nline\ttab"q\\\u00ff']))!.comm).toBe('new\nline\ttab"q\\\u00ff');
    // without the trailing newline (a torn last event) it still reads
    expect(parseBioEvent('io\x1f1\x1f1\x1f1\x1fW\x1f8\x1f0\x1f1\x1f1\x1f1\x1fx')!.comm).toBe('x');
  });

  it('rejects what does not fit', () => {
    const bad = [
      '',
      'io\n',
      'end\x1f5\n',
      io([1, 1, 1, 'W', 8, 0, 1, 1, 1]).replace('\x1f1\n', '\n'), // 10 fields
      io(['x', 1, 1, 'W', 8, 0, 1, 1, 1, 'c']),
      io([-1, 1, 1, 'W', 8, 0, 1, 1, 1, 'c']),
      io([1, 1, 1, 'w s', 8, 0, 1, 1, 1, 'c']),
      io([1, 1, 1, 'WWWWWWWWWW', 8, 0, 1, 1, 1, 'c']),
      io([1, 1, '99999999999999999999', 'W', 8, 0, 1, 1, 1, 'c']),
      io([1, 1, 1, 'W', 8, '0x1', 1, 1, 1, 'c']),
      io([1, 1, 1, 'W', 8, 0, 1, '1.5', 1, 'c']),
      `IO\x1f${io([1, 1, 1, 'W', 8, 0, 1, 1, 1, 'c']).slice(3)}`,
    ];
    for (const t of bad) expect(parseBioEvent(t), JSON.stringify(t)).toBeNull();
  });
});

/** per capture: workload I/Os shown as rows, and named in the exit dump's half-seen maps (CAPTURE.md) */
const EXPECTED: Record<string, { writes: number; reads: number; named: number; events: number }> = {
  '0.17.0 biosnoop': { writes: 241, reads: 251, named: 20, events: 1737 },
  '0.17.0 biosnoop.rq': { writes: 256, reads: 256, named: 0, events: 577 },
  '0.23.2 biosnoop': { writes: 255, reads: 256, named: 1, events: 782 },
  '0.23.2 biosnoop.rq': { writes: 255, reads: 255, named: 2, events: 594 },
};

describe('biosnoop on real captures', () => {
  for (const v of VERSIONS) {
    for (const s of SCRIPTS) {
      it(`${v} ${s}: each of the 512 workload I/Os is a row of the right process at the right sector, in file order, or is named as half-seen`, () => {
        const r = parse(raw(v, s));
        const want = EXPECTED[`${v} ${s}`];
        const start = fileStartSector(v, s);
        expect(start).toBe(54534144);
        const inFile = (sector: number) => sector >= start && sector < start + 2048;
        const rows = r.rows.filter((row) => inFile(row.sector as number));
        const writes = rows.filter((row) => row.op === 'W');
        const reads = rows.filter((row) => row.op === 'R');
        expect([writes.length, reads.length]).toEqual([want.writes, want.reads]);
        // sequential dd: every I/O is a 4 KiB block of the file, in file order (completion order)
        for (const list of [writes, reads]) {
          const sectors = list.map((x) => x.sector as number);
          for (const sec of sectors) expect((sec - start) % 8).toBe(0);
          for (let i = 1; i < sectors.length; i++) expect(sectors[i]).toBeGreaterThan(sectors[i - 1]);
        }
        for (const w of writes) {
          expect(w).toMatchObject({ comm: WRITER, disk: '254:0', bytes: 4096, rwbs: 'WS', who: 'submitter', error: 0 });
          expect(w.latencyMs as number).toBeGreaterThan(0);
          expect(w.latencyMs as number).toBeLessThan(100);
          expect(w.queuedMs as number).toBeGreaterThanOrEqual(0);
        }
        for (const rd of reads) expect(rd).toMatchObject({ comm: READER, disk: '254:0', bytes: 4096, rwbs: 'RS', who: 'submitter' });
        expect(new Set(writes.map((w) => w.pid)).size).toBe(1);
        expect(new Set(reads.map((w) => w.pid)).size).toBe(1);
        expect(reads[0].pid).not.toBe(writes[0].pid);
        expect(writes[writes.length - 1].time as number).toBeLessThan(reads[0].time as number);

        // the rest are named by the exit dump: each sector of the file was written once and read once
        const h = r.halfSeen!;
        const perSector = new Map<number, number>();
        const add = (sector: number, n: number) => inFile(sector) && perSector.set(sector, (perSector.get(sector) ?? 0) + n);
        for (const row of rows) add(row.sector as number, 1);
        let named = 0;
        for (const x of h.issuedOnly)
          if (inFile(x.sector)) {
            named++;
            add(x.sector, 1);
          }
        for (const x of [...h.reissued, ...h.completedOnly])
          if (inFile(x.sector)) {
            named += x.count;
            add(x.sector, x.count);
          }
        expect(named).toBe(want.named);
        expect(perSector.size).toBe(256);
        for (const n of perSector.values()) expect(n).toBe(2);

        // nothing lost between the kernel and us
        expect(r.eventsSeen).toBe(want.events);
        expect(r.eventsCounted).toBe(want.events);
        expect(r.stats.lostEvents).toBe(0);
        expect(r.unparsedEvents).toBe(0);
        expect(r.rowsDropped).toBe(0);
        expect(r.devices).toEqual([{ device: '254:0', events: r.eventsSeen }]);
        // the heat map holds every event, at most 64 rows; the workload's second and rows hold it
        const hm = r.offsetHeatmap;
        expect(hm.device).toBe('254:0');
        expect(hm.rows).toBeLessThanOrEqual(64);
        expect(hm.cells.flat().reduce((a, b) => a + b, 0)).toBe(r.eventsSeen);
        const t = Math.floor(writes[0].time as number);
        const firstRow = Math.floor((start - hm.minSector) / hm.binSectors);
        const lastRow = Math.floor((start + 2047 - hm.minSector) / hm.binSectors);
        const inCell = hm.cells[t].slice(firstRow, lastRow + 1).reduce((a, b) => a + b, 0);
        expect(inCell).toBeGreaterThanOrEqual(want.writes + want.reads - 16); // a few may cross into the next second
      });
    }
  }

  it('the exact figures of a capture: the half-seen maps and the first row', () => {
    const r = parse(raw('0.23.2', 'biosnoop.rq'));
    expect(r.halfSeen!.issuedOnly).toEqual([{ disk: '254:0', sector: 54535664 }]);
    expect(r.halfSeen!.issuedOnlyCount).toBe(1);
    expect(r.halfSeen!.reissuedCount).toBe(20);
    expect(r.halfSeen!.reissued.filter((x) => x.sector >= 54534144 && x.sector < 54536192)).toEqual([{ disk: '254:0', sector: 54534400, count: 1 }]);
    expect(r.halfSeen!.completedOnlyCount).toBe(0);
    expect(r.unmatched).toBe(0);
    // from the line: io 274836579 266338304 54662144 DS 672 0 269851 57716 30220 node
    expect(parse(raw('0.23.2', 'biosnoop')).rows[0]).toEqual({
      time: 0.274836579,
      disk: '254:0',
      op: 'D',
      sector: 54662144,
      bytes: 344064,
      latencyMs: 0.269851,
      queuedMs: 0.057716,
      pid: 30220,
      comm: 'node',
      who: 'submitter',
      rwbs: 'DS',
      error: 0,
    });
  });

  it('the row cap keeps the first rows and counts the rest; the heat map still has every event', () => {
    const r = parse(raw('0.17.0', 'biosnoop'), { maxRows: 100 });
    expect(r.rows).toHaveLength(100);
    expect(r.eventsSeen).toBe(1737);
    expect(r.rowsDropped).toBe(1637);
    expect(r.maxRows).toBe(100);
    expect(r.offsetHeatmap.cells.flat().reduce((a, b) => a + b, 0)).toBe(1737);
  });

  it('every row has every column', () => {
    const r = parse(raw('0.23.2', 'biosnoop.rq'));
    const keys = BIOSNOOP_COLUMNS.map((c) => c.key).sort();
    for (const row of r.rows) expect(Object.keys(row).sort()).toEqual(keys);
    expect(r.columns).toBe(BIOSNOOP_COLUMNS);
  });

  it('the scratch maps of the exit dump are skipped, not counted as unparsed', () => {
    const text = raw('0.17.0', 'biosnoop').toString('utf8');
    expect(text).toContain('{"type": "map", "data": {"@iocomm": {');
    expect(parse(text).unparsedEvents).toBe(0);
  });

  it('the catalog entry prefers block_io_start and falls back to block_rq_insert', () => {
    expect(biosnoopTool.viz).toBe('block-io');
    expect(biosnoopTool.variants.map((v) => [v.file, v.tracepoints?.[0]])).toEqual([
      ['biosnoop.bt', 'block:block_io_start'],
      ['biosnoop.rq.bt', 'block:block_rq_insert'],
    ]);
  });
});

describe('the offset heat map grid', () => {
  it('bins time by the second and sectors so the range fits the row cap', () => {
    const g = new OffsetGrid();
    for (let i = 0; i < 100; i++) g.add(Math.floor(i / 50), 1000 + i * 8);
    const h = g.build(64, 'x');
    expect(h.rows).toBeLessThanOrEqual(64);
    expect(h.minSector).toBeLessThanOrEqual(1000);
    expect(h.minSector + h.rows * h.binSectors).toBeGreaterThan(1000 + 99 * 8);
    expect(h.cells).toHaveLength(2);
    expect(h.cells.map((c) => c.reduce((a, b) => a + b, 0))).toEqual([50, 50]);
  });

  it('stays bounded under random sectors across a huge disk (cells merge as bins double)', () => {
    const g = new OffsetGrid(1000);
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50_000; i++) g.add(Math.floor(i / 1000), Math.floor(rnd() * 2 ** 40));
    expect(g.cellCount).toBeLessThanOrEqual(1000);
    const h = g.build(64, null);
    expect(h.rows).toBeLessThanOrEqual(64);
    expect(h.cells).toHaveLength(50);
    expect(h.cells.flat().reduce((a, b) => a + b, 0)).toBe(50_000);
  });

  it('one sector, and no events', () => {
    const g = new OffsetGrid();
    g.add(3, 0);
    expect(g.build(64, 'd')).toEqual({ binSec: 1, binSectors: 8, minSector: 0, rows: 1, cells: [[0], [0], [0], [1]], device: 'd' });
    expect(new OffsetGrid().build(64, null)).toEqual({ binSec: 1, binSectors: 8, minSector: 0, rows: 0, cells: [], device: null });
  });
});

describe('biosnoop on hostile input', () => {
  it('an empty capture', () => {
    const r = parse('');
    expect(r.rows).toEqual([]);
    expect(r.eventsSeen).toBe(0);
    expect(r.eventsCounted).toBeNull();
    expect(r.unmatched).toBeNull();
    expect(r.offsetHeatmap.rows).toBe(0);
    expect(r.devices).toEqual([]);
  });

  it('a capture torn mid-line', () => {
    const text = raw('0.17.0', 'biosnoop').toString('utf8');
    const r = parse(text.slice(0, Math.floor(text.length / 2)));
    expect(r.eventsSeen).toBeGreaterThan(200);
    expect(r.stats.malformedLines).toBe(1);
    expect(r.eventsCounted).toBeNull();
  });

  it('invalid JSON, odd bytes, long lines, foreign printfs and bad exit maps are counted', () => {
    const ev = (t: string) => JSON.stringify({ type: 'printf', data: t });
    const lines = [
      '{"type": "attached_probes", "data": {"probes": 4}}',
      ev(io([1000000000, 266338304, 64, 'W', 8, 0, 1000, 10, 5, 'ok'])),
      // bpftrace's byte escapes in comm: repaired by the decoder
      '{"type": "printf", "data": "io\\u001f1\\u001f266338304\\u001f72\\u001fR\\u001f8\\u001f0\\u001f1\\u001f-1\\u001f6\\u001f\\uffffffff\\uffffffc3\\u001f\\n"}',
      ev(io([1, 266338304, 'x', 'W', 8, 0, 1, 1, 1, 'bad sector'])),
      ev('hello\n'),
      ev(`io\x1f${'9'.repeat(100_000)}`),
      '{"type": "printf", "data": ',
      'garbage \u0000\u0001',
      '{"type": "lost_events", "data": {"events": 12}}',
      '{"type": "helper_error", "msg": "No such file or directory", "helper": "map_delete_elem", "retcode": -2}',
      ev('end\x1f5000000000\n'),
      '',
      '',
      '{"type": "map", "data": {"@events": 15}}',
      '{"type": "map", "data": {"@start": {"266338304,80": 123, "junk": 1}}}',
      '{"type": "map", "data": {"@unmatched": {"266338304,88": 2, "8388608,0": 1}}}',
      '{"type": "map", "data": {"@reissued": {"266338304,96": 1}}}',
      '{"type": "map", "data": {"@iocomm": {"266338304,96": "x"}}}',
    ];
    const r = parse(lines.join('\n'));
    expect(r.eventsSeen).toBe(2);
    // invalid UTF-8 stays visible as \xNN (the decoder's repair); the trailing separator belongs to comm
    expect(r.rows[1]).toMatchObject({ comm: '\\xff\\xc3\x1f', who: 'issuer', queuedMs: null, sector: 72 });
    expect(r.eventsCounted).toBe(15);
    expect(r.stats.lostEvents).toBe(12);
    expect(r.stats.helperErrors).toBe(1);
    expect(r.stats.malformedLines).toBe(2);
    // bad sector, hello, the long io line, the junk @start key (@iocomm: a scratch map, expected at exit)
    expect(r.unparsedEvents).toBe(4);
    expect(r.halfSeen).toEqual({
      issuedOnly: [{ disk: '254:0', sector: 80 }],
      issuedOnlyCount: 1,
      completedOnly: [
        { disk: '254:0', sector: 88, count: 2 },
        { disk: '8:0', sector: 0, count: 1 },
      ],
      completedOnlyCount: 3,
      reissued: [{ disk: '254:0', sector: 96, count: 1 }],
      reissuedCount: 1,
    });
    expect(r.unmatched).toBe(3);
  });

  it('many disks: the heat map shows the busiest, the others are listed', () => {
    const recs: BtRecord[] = [];
    for (let d = 0; d < 100; d++) {
      for (let k = 0; k <= (d === 7 ? 50 : 1); k++) recs.push({ type: 'printf', text: io([1e9, (8 << 20) | d, k * 8, 'R', 8, 0, 1, 1, 1, 'c']) });
    }
    const r = parseRecords(recs);
    expect(r.devices![0]).toEqual({ device: '8:7', events: 51 });
    expect(r.devices).toHaveLength(100);
    expect(r.offsetHeatmap.device).toBe('8:7');
  });
});
