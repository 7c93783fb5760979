import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { createExt4SlowerParser, formatDev, parseEventLine, printedByteLength, splitPathField, type Ext4SlowerResult } from '@/lib/tools/ext4slower/parse';
import { parseWorkloadOutput } from '../fixtures/ext4slower/workload';

const FIXTURES = path.resolve(__dirname, '../fixtures/ext4slower');
const VERSIONS = ['0.17.0', '0.23.2'] as const;
const WORKLOAD_COMM = 'e4,w\x1fké/x';

const records = (v: string) => decodeAll(readFileSync(path.join(FIXTURES, v, 'ext4slower.jsonl')));

const workload = (v: string) => parseWorkloadOutput(readFileSync(path.join(FIXTURES, v, 'workload.jsonl'), 'utf8'));

function run(recs: BtRecord[], maxRows?: number): Ext4SlowerResult {
  const p = createExt4SlowerParser({ maxRows });
  for (const r of recs) p.push(r);
  return p.finish();
}

/** One E line as the scripts print it (fields after "E"). */
function eLine(f: {
  type?: string;
  elapsedNs?: number;
  pid?: number;
  tid?: number;
  latNs?: number;
  ret?: number;
  offset?: number;
  dev?: number;
  ino?: number;
  levels?: number;
  complete?: number;
  lens?: number[];
  comm?: string;
  path?: string;
}): string {
  const v = {
    type: 'S',
    elapsedNs: 2_500_000_000,
    pid: 42,
    tid: 43,
    latNs: 12_345_678,
    ret: 0,
    offset: 0,
    dev: (8 << 20) | 1,
    ino: 99,
    levels: 3,
    complete: 0,
    lens: [5, 3, 3],
    comm: 'app',
    path: 'var/tmp/f.dat',
    ...f,
  };
  return ['E', v.type, v.elapsedNs, v.pid, v.tid, v.latNs, v.ret, v.offset, v.dev, v.ino, v.levels, v.complete, ...v.lens, v.comm, v.path].join('\x1f') + '\n';
}
const printf = (text: string): BtRecord => ({ type: 'printf', text });

describe.each(VERSIONS)('ext4slower.bt capture from bpftrace %s', (v) => {
  const result = run(records(v));
  const wl = workload(v);
  const mine = result.rows.filter((r) => r.pid === wl.pid);

  it('reads the header, the kernel counters, and loses nothing', () => {
    expect(result.kind).toBe('events');
    expect(result.variant).toBe('tracepoint');
    expect(result.thresholdMs).toBe(1);
    expect(result.stats.lostEvents).toBe(0);
    expect(result.stats.malformedLines).toBe(0);
    expect(result.unparsedEvents).toBe(0);
    expect(result.ambiguousRows).toBe(0);
    // every line the kernel emitted arrived and parsed
    expect(result.eventsSeen).toBe(result.slowCounted);
    expect(result.rows.length).toBe(result.eventsSeen);
    expect(result.rowsDropped).toBe(0);
    expect(result.slowCounted).toBe(v === '0.17.0' ? 50 : 53);
    expect(result.opsTraced).toEqual(v === '0.17.0' ? { R: 1289, W: 1349, O: 3242, S: 11 } : { R: 5206, W: 1842, O: 4339, S: 12 });
    for (const r of result.rows) expect(Object.keys(r).sort()).toEqual(result.columns.map((c) => c.key).sort());
  });

  it('finds every slow operation of the workload, in order, with its comm, pid, type, bytes, offset and file', () => {
    expect(mine.length).toBe(v === '0.17.0' ? 50 : 48);
    let i = 0;
    let matched = 0;
    for (const op of wl.ops) {
      const row = mine[i];
      const name = op.file.slice(op.file.lastIndexOf('/') + 1);
      // 0.17 cuts str() at BPFTRACE_STRLEN - 1 = 63 bytes; 0.23 reads names whole (its strings go up to 1 KiB)
      const shown = v === '0.17.0' && Buffer.byteLength(name) > 63 ? `${'L'.repeat(63)}…` : name;
      if (row && row.type === op.op && row.file === `…/a/b/${shown}`) {
        expect(row.comm).toBe(WORKLOAD_COMM);
        expect(row.tid).toBe(op.tid);
        expect(row.dev).toBe('254:0');
        // the kernel's latency is inside what user space measured around the syscall
        expect(row.latencyMs as number).toBeLessThanOrEqual(op.ms);
        expect(row.latencyMs as number).toBeGreaterThanOrEqual(1);
        if (op.op === 'R' || op.op === 'W') {
          expect(row.bytes).toBe(op.bytes);
          expect(row.offsetBytes).toBe(op.offset);
        } else {
          expect(row.bytes).toBeNull();
          expect(row.offsetBytes).toBeNull();
        }
        expect(row.errno).toBeNull();
        i++;
        matched++;
      } else {
        // not reported: it must have been under the 1 ms threshold in the kernel too
        expect(op.ms, `${op.op} ${op.file} (${op.ms} ms) is missing`).toBeLessThan(1.5);
      }
    }
    expect(i).toBe(mine.length);
    expect(matched).toBe(mine.length);
  });

  it('shows odd file names exactly, and marks the cut one (0.17)', () => {
    const files = new Set(mine.map((r) => r.file));
    for (const n of ['with space', 'tab\there', 'dq"quote', 'héllo ✓ 日本', 'bad\\xffbyte', 'unit\x1fsep', 'new\nline', 'back\\slash']) {
      expect(files.has(`…/a/b/${n}`), n).toBe(true);
    }
    expect(files.has(v === '0.17.0' ? `…/a/b/${'L'.repeat(63)}…` : `…/a/b/${'L'.repeat(100)}.long`)).toBe(true);
  });

  it('times are seconds since bpftrace started, increasing', () => {
    const t = mine.map((r) => r.timeSec as number);
    expect(t[0]).toBeGreaterThan(1);
    expect(t[t.length - 1]).toBeLessThan(9);
    for (let k = 1; k < t.length; k++) expect(t[k]).toBeGreaterThanOrEqual(t[k - 1]);
  });
});

describe('0.23.2 capture: other processes', () => {
  const result = run(records('0.23.2'));
  it("resolves another engineer's comm holding \\x1f and a non-ASCII byte", () => {
    const dd = result.rows.filter((r) => r.comm === 'bdk\x1fddé');
    expect(dd.length).toBe(1);
    expect(dd[0]).toMatchObject({ type: 'W', bytes: 4096, offsetBytes: 233472, file: '…/tmp/bdk-bio-capture.tXxHmv/data' });
    expect(result.rows.filter((r) => r.comm === 'bdkdd,read').length).toBe(2);
  });
  it('shows three path levels of a deep file', () => {
    expect(result.rows.some((r) => r.comm === 'node' && r.file === '…/server/app-render/dev-validation-worker-globals.d.ts')).toBe(true);
  });
});

describe('E lines', () => {
  it('parses all fields', () => {
    const ev = parseEventLine(eLine({}).slice(0, -1));
    expect(ev).toMatchObject({ type: 'S', pid: 42, tid: 43, latencyNs: 12_345_678, dev: (8 << 20) | 1, levels: 3, comm: 'app', ambiguous: false });
    expect(ev!.names).toEqual(['f.dat', 'tmp', 'var']);
  });

  it('builds rows: R/W bytes and offset, errno, dev, path from the filesystem root', () => {
    const p = createExt4SlowerParser();
    p.push(printf(eLine({ type: 'R', ret: 4096, offset: 8192, levels: 2, complete: 1, lens: [5, 3, 1], path: '//tmp/f.dat' })));
    p.push(printf(eLine({ type: 'W', ret: -28, offset: 77 })));
    p.push(printf(eLine({ type: 'O', ret: 5, levels: 1, complete: 1, lens: [5, 1, 1], path: '////f.dat' })));
    const rows = p.finish().rows;
    expect(rows[0]).toMatchObject({
      type: 'R',
      bytes: 4096,
      offsetBytes: 8192,
      errno: null,
      file: '/tmp/f.dat',
      dev: '8:1',
      timeSec: 2.5,
      latencyMs: 12.345678,
    });
    expect(rows[1]).toMatchObject({ type: 'W', bytes: null, offsetBytes: 77, errno: 28, file: '…/var/tmp/f.dat' });
    expect(rows[2]).toMatchObject({ type: 'O', bytes: null, offsetBytes: null, errno: null, file: '/f.dat' });
  });

  it('a sync whose file is not known (msync) keeps dev and inode, file null', () => {
    const p = createExt4SlowerParser();
    p.push(printf(eLine({ levels: 0, complete: 1, lens: [0, 0, 0], path: '//', ino: 1234 })));
    expect(p.finish().rows[0]).toMatchObject({ type: 'S', file: null, ino: 1234, dev: '8:1' });
  });

  it('resolves a \\x1f in comm and in a name with the printed lengths', () => {
    const ev = parseEventLine(eLine({ comm: 'a\x1fb', path: 'x/y/un\x1fit', lens: [5, 1, 1] }).slice(0, -1));
    expect(ev).toMatchObject({ comm: 'a\x1fb', names: ['un\x1fit', 'y', 'x'], ambiguous: false });
  });

  it('uses the path shape and the lengths to pick the one reading that fits', () => {
    // comm "a" + path "b/c/d\x1fe/f/g" has 5 path parts (not 3): only comm "a\x1fb/c/d" + "e/f/g" fits
    const shape = eLine({ comm: 'a', path: 'b/c/d\x1fe/f/g', lens: [1, 1, 1] });
    expect(parseEventLine(shape.slice(0, -1))).toMatchObject({ comm: 'a\x1fb/c/d', names: ['g', 'f', 'e'], ambiguous: false });
    // both shapes fit; name2 is 3 bytes long: "q\x1fr" fits, "r" (1 byte, too short to be a cut) does not
    const lens = eLine({ comm: 'p', path: 'q\x1fr/s/t', lens: [1, 1, 3] });
    expect(parseEventLine(lens.slice(0, -1))).toMatchObject({ comm: 'p', names: ['t', 's', 'q\x1fr'], ambiguous: false });
  });

  it('counts a row that no reading fits, and keeps the default reading (surplus to the path)', () => {
    // name2 said to be 20 bytes: neither "q\x1fr" nor "r" is that long, nor a plausible cut
    const p = createExt4SlowerParser();
    p.push(printf(eLine({ comm: 'p', path: 'q\x1fr/s/t', lens: [1, 1, 20] })));
    const res = p.finish();
    expect(res.ambiguousRows).toBe(1);
    expect(res.rows[0]).toMatchObject({ comm: 'p', file: '…/q\x1fr…/s/t' });
  });

  it('rejects lines that do not follow the protocol, and counts them', () => {
    const p = createExt4SlowerParser();
    const bad = [
      'E\x1fX\x1f1\x1f2\n', // unknown type, too few fields
      eLine({}).replace('\x1f42\x1f', '\x1f4x2\x1f'), // non-numeric pid
      eLine({ levels: 7 }),
      eLine({ complete: 2 }),
      eLine({ levels: 3, path: 'only/two' }),
      'E\n',
      'hello\n',
      'H\x1ftracepoint\x1ften\n',
      '',
    ];
    for (const b of bad) p.push(printf(b));
    const res = p.finish();
    expect(res.eventsSeen).toBe(0);
    expect(res.unparsedEvents).toBe(bad.length);
    expect(res.thresholdMs).toBeNull();
  });

  it('caps rows and counts the rest; sums lost events; counts malformed lines and helper errors', () => {
    const p = createExt4SlowerParser({ maxRows: 3 });
    for (let k = 0; k < 10; k++) p.push(printf(eLine({ pid: k })));
    p.push({ type: 'lost_events', events: 7 });
    p.push({ type: 'lost_events', events: 5 });
    p.push({ type: 'malformed', line: '{', reason: 'x' });
    p.push({ type: 'helper_error', helper: 'map_delete_elem', retcode: -2 });
    p.push({ type: 'map', name: '@slow', keyed: false, value: 22 });
    const res = p.finish();
    expect(res.rows.map((r) => r.pid)).toEqual([0, 1, 2]);
    expect(res).toMatchObject({ eventsSeen: 10, rowsDropped: 7, maxRows: 3, slowCounted: 22 });
    expect(res.stats).toEqual({ records: 15, lostEvents: 12, malformedLines: 1, helperErrors: 1 });
  });

  it('reads the kprobe variant header', () => {
    const p = createExt4SlowerParser();
    p.push(printf('H\x1fkprobe\x1f25\n'));
    expect(p.finish()).toMatchObject({ variant: 'kprobe', thresholdMs: 25 });
  });
});

describe('hostile input', () => {
  const raw = readFileSync(path.join(FIXTURES, '0.17.0', 'ext4slower.jsonl'));

  it('an empty capture gives an empty table', () => {
    const res = run(decodeAll(''));
    expect(res).toMatchObject({ eventsSeen: 0, rows: [], thresholdMs: null, opsTraced: null, slowCounted: null });
  });

  it('a capture cut anywhere never throws, and keeps every complete line', () => {
    for (let cut = 0; cut < raw.length; cut += 97) {
      const res = run(decodeAll(raw.subarray(0, cut)));
      expect(res.eventsSeen + res.unparsedEvents + res.stats.malformedLines).toBeLessThanOrEqual(res.stats.records);
      expect(res.stats.malformedLines).toBeLessThanOrEqual(1);
    }
  });

  it('invalid JSON, very long lines and random bytes are counted, not fatal', () => {
    const junk = Buffer.concat([
      Buffer.from('{"type": "printf", "data": "E\\u001fS\\u001f1\n'),
      Buffer.from('not json at all\n'),
      Buffer.from(`{"type": "printf", "data": "E${'\\u001f9'.repeat(200_000)}"}\n`),
      Buffer.from([0xff, 0xfe, 0x00, 0x1f, 0x0a]),
      Buffer.from('{"type": "printf", "data": 12}\n'),
      raw,
    ]);
    const res = run(decodeAll(junk));
    expect(res.eventsSeen).toBe(50);
    expect(res.unparsedEvents).toBe(1);
    expect(res.stats.malformedLines).toBe(4);
  });

  it('random printf text never throws', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const p = createExt4SlowerParser();
    const alphabet = ['E', 'H', '\x1f', '/', '1', '-', '0', 'R', 'S', '\n', 'é', '\\xff', ' '];
    for (let k = 0; k < 5000; k++) {
      let s = rnd() < 0.5 ? 'E\x1f' : '';
      const n = Math.floor(rnd() * 60);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      p.push(printf(s));
    }
    const res = p.finish();
    expect(res.eventsSeen + res.unparsedEvents).toBe(5000);
  });
});

describe('helpers', () => {
  it('printedByteLength counts a shown invalid byte as one', () => {
    expect(printedByteLength('bad\\xffbyte')).toBe(8);
    expect(printedByteLength('héllo')).toBe(6);
    expect(printedByteLength('back\\slash')).toBe(10);
  });
  it('splitPathField keeps the real names, file first', () => {
    expect(splitPathField('a/b/c', 3)).toEqual(['c', 'b', 'a']);
    expect(splitPathField('//b/c', 2)).toEqual(['c', 'b']);
    expect(splitPathField('////c', 1)).toEqual(['c']);
    expect(splitPathField('//', 0)).toEqual([]);
    expect(splitPathField('a/b', 3)).toBeNull();
  });
  it('formatDev splits a kernel dev_t', () => {
    expect(formatDev(266338304)).toBe('254:0');
    expect(formatDev((259 << 20) | 3)).toBe('259:3');
  });
});
