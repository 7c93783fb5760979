import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyKey, createDecoder, createKeyEscapeState, decodeAll, decodeLine, MALFORMED_PREVIEW_CHARS } from '@/lib/bpftrace/decoder';
import { parseStack } from '@/lib/bpftrace/stacks';
import type { BtRecord, DecoderOptions } from '@/lib/bpftrace/types';

const FIXTURES = path.resolve(__dirname, '../fixtures/bpftrace');
const VERSIONS = ['0.17.0', '0.23.2'] as const;
type Version = (typeof VERSIONS)[number];

const raw = (v: Version, name: string) => readFileSync(path.join(FIXTURES, v, `${name}.jsonl`));
const load = (v: Version, name: string, opts: DecoderOptions = {}) => decodeAll(raw(v, name), opts);

type Rec<T extends BtRecord['type']> = Extract<BtRecord, { type: T }>;
const ofType = <T extends BtRecord['type']>(recs: BtRecord[], type: T) => recs.filter((r): r is Rec<T> => r.type === type);
function keyedMap(recs: BtRecord[], name: string) {
  const r = recs.find((x) => x.type === 'map' && x.name === name && x.keyed);
  if (!r || r.type !== 'map' || !r.keyed) throw new Error(`no keyed map ${name}`);
  return new Map(r.entries);
}
const texts = (recs: BtRecord[], type: 'printf' | 'join' | 'time') => ofType(recs, type).map((r) => r.text);

describe('decoder: every shared capture, both versions', () => {
  for (const v of VERSIONS) {
    const names = readdirSync(path.join(FIXTURES, v))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.replace(/\.jsonl$/, ''));

    it(`${v}: one well-formed record per non-blank line, none malformed or unknown`, () => {
      expect(names.length).toBeGreaterThanOrEqual(13);
      for (const name of names) {
        const text = raw(v, name).toString('utf8');
        const nonBlank = text.split('\n').filter((l) => l.trim() !== '').length;
        const recs = load(v, name);
        expect(recs.length, name).toBe(nonBlank);
        expect(
          recs.filter((r) => r.type === 'malformed' || r.type === 'unknown'),
          name,
        ).toEqual([]);
        if (nonBlank > 0) expect(recs[0].type, name).toBe('attached_probes');
      }
    });

    it(`${v}: a known version gives the same records as auto detection`, () => {
      for (const name of names) expect(load(v, name, { version: `v${v}` }), name).toEqual(load(v, name));
    });
  }

  it('errors: parse errors print nothing, a kprobe attach failure prints attached_probes first', () => {
    for (const v of VERSIONS) {
      expect(load(v, 'err_syntax')).toEqual([]);
      expect(load(v, 'err_field')).toEqual([]);
      expect(load(v, 'err_invalid_probe')).toEqual([]);
      expect(load(v, 'err_kprobe')).toEqual([{ type: 'attached_probes', probes: 1 }]);
    }
  });
});

describe('decoder: strings (printf, join) are identical in 0.17 and 0.23', () => {
  const fixed = [
    'plain text with spaces\n',
    'double "quotes" and \'single\'\n',
    'tab\tseparated\tfields, back\\slash\n',
    'non-ascii: héllo ✓ 日本語\n',
    'no trailing newline',
    'two\nlines\n',
    'int=42 neg=-7 hex=0xff u=3000000000 str=[x y] pct=100% pad=[   12] [ab    ]\n',
  ];
  const oddNames = ['with space', 'dq"quote', "sq'quote", 'tab\there', 'héllo ✓ 日本', 'bad\\xffbyte', 'ctrl\u0001char', 'new\nline', 'back\\slash'];

  for (const v of VERSIONS) {
    it(`${v}: printf.bt`, () => {
      const t = texts(load(v, 'printf'), 'printf');
      expect(t.slice(0, 7)).toEqual(fixed);
      const opens = t.slice(7, 16).map((s) => s.replace(/^open comm=bash pid=\d+ file=\/tmp\/testfleet\/load\/names\//, ''));
      expect(opens).toEqual(oddNames.map((n) => `${n}\n`));
      expect(t.filter((s) => s.endsWith('/héllo ✓ 日本\n')).length).toBeGreaterThan(5);
      expect(t.join('')).not.toMatch(/\uffff|\ufffd/);
    });

    it(`${v}: join.bt (stops at the first empty argument, invalid byte visible)`, () => {
      const recs = load(v, 'join');
      expect(texts(recs, 'printf')[0]).toBe('exec /bin/echo by bash: ');
      expect(texts(recs, 'join').slice(0, 2)).toEqual([
        '/bin/echo arg with space dq"quote sq\'q tab\targ héllo ✓ bad\\xff',
        '/bin/echo|arg with space|dq"quote|sq\'q|tab\targ|héllo ✓|bad\\xff',
      ]);
    });
  }

  it('time.bt: time, strftime printf and value records', () => {
    for (const v of VERSIONS) {
      const recs = load(v, 'time');
      expect(texts(recs, 'time')[0]).toMatch(/^\d\d:\d\d:\d\d\n$/);
      expect(texts(recs, 'time')[1]).toMatch(/^2026-11-24 \d\d:\d\d:\d\d\n$/);
      expect(texts(recs, 'time').slice(2)).toHaveLength(3);
      expect(texts(recs, 'time')[2]).toMatch(/^tick \d\d:\d\d:\d\d\n$/);
      expect(ofType(recs, 'value').map((r) => r.value)).toEqual([123, 'a string']);
    }
  });
});

describe('decoder: map keys (keys_special.bt: odd file names as keys, 0.23 escapes keys twice)', () => {
  const dir = '/tmp/bpfdeck-names/';
  const names = [
    'with space',
    'dq"quote',
    "sq'quote",
    'tab\there',
    'héllo ✓ 日本',
    'bad\\xffbyte',
    'ctrl\u0001char',
    'new\nline',
    'back\\slash',
    'comma,name',
    '',
  ];

  for (const v of VERSIONS) {
    for (const opts of [{}, { version: `bpftrace v${v}` }] as DecoderOptions[]) {
      it(`${v} ${JSON.stringify(opts)}: keys decode to the real file names`, () => {
        const recs = load(v, 'keys_special', opts);
        const file = keyedMap(recs, '@file');
        expect([...file.keys()].sort()).toEqual(names.map((n) => dir + n).sort());
        const opens = keyedMap(recs, '@opens');
        for (const n of names.slice(0, 10)) expect(opens.get(`${dir}${n},bpfdeck_cat`), n).toBe(1);
        expect(opens.get(`${dir},bash`)).toBe(1);
        // a value (escaped once in both versions)
        expect(keyedMap(recs, '@last').get('bpfdeck_cat')).toBe(`${dir}with space`);
      });
    }
  }

  it('0.23 keys stay escaped when double escaping is forced off (why the decision matters)', () => {
    const file = keyedMap(load('0.23.2', 'keys_special', { doubleEscapedKeys: false }), '@file');
    expect(file.has(`${dir}dq\\"quote`)).toBe(true);
    expect(
      file.has(`${dir}h\\uffffffc3\\uffffffa9llo \\uffffffe2\\uffffff9c\\uffffff93 \\uffffffe6\\uffffff97\\uffffffa5\\uffffffe6\\uffffff9c\\uffffffac`),
    ).toBe(true);
  });

  it('count.bt: multi-part keys, values, stats and avg', () => {
    const c17 = load('0.17.0', 'count');
    expect(ofType(c17, 'map').filter((r) => r.name === '@total' && !r.keyed)).toEqual([
      { type: 'map', name: '@total', keyed: false, value: 29024 },
      { type: 'map', name: '@total', keyed: false, value: 29024 },
    ]);
    const top3 = c17.find((r) => r.type === 'map' && r.name === '@opens');
    expect(top3).toEqual({
      type: 'map',
      name: '@opens',
      keyed: true,
      entries: [
        ['python3,21635', 150],
        ['python3,21355', 150],
        ['python3,21243', 150],
      ],
    });
    expect(keyedMap(c17, '@three').get('bash,21405,0')).toBe(1);
    expect(keyedMap(c17, '@by_pid').get('17041')).toBe(1);
    expect(keyedMap(c17, '@last_file').get('cat')).toBe('/tmp/testfleet/load/names/back\\slash');
    expect(c17).toContainEqual({ type: 'stats', name: '@rd_avg', keyed: false, value: 11157 });
    expect(c17).toContainEqual({ type: 'map', name: '@rd_sum', keyed: false, value: 228983647 });
    const rdStats = c17.find((r) => r.type === 'stats' && r.name === '@rd_stats');
    expect(rdStats?.type === 'stats' && rdStats.keyed && new Map(rdStats.entries).get('sshd')).toEqual({ count: 1, average: 147, total: 147 });

    const c23 = load('0.23.2', 'count');
    expect(c23).toContainEqual({ type: 'stats', name: '@rd_avg', keyed: false, value: 11797 });
    const rdStats23 = c23.find((r) => r.type === 'stats' && r.name === '@rd_stats');
    expect(rdStats23?.type === 'stats' && rdStats23.keyed && new Map(rdStats23.entries).get('sshd-session')).toEqual({ count: 1, average: 147, total: 147 });
  });
});

describe('decoder: histograms', () => {
  it('hist(): negative bucket without min, zero bucket, power-of-two buckets (0.17)', () => {
    const h = ofType(load('0.17.0', 'hist'), 'hist');
    expect(h).toHaveLength(5);
    const first = h[0];
    expect(first.keyed).toBe(false);
    if (first.keyed) return;
    expect(first.buckets.slice(0, 4)).toEqual([
      { max: -1, count: 12 },
      { min: 0, max: 0, count: 1003 },
      { min: 1, max: 1, count: 2809 },
      { min: 2, max: 3, count: 62 },
    ]);
    expect('min' in first.buckets[0]).toBe(false);
    expect(h[3]).toEqual({ type: 'hist', name: '@read_ret', keyed: false, buckets: [{ min: 512, max: 1023, count: 1 }] });
    const byComm = h[4];
    expect(byComm.keyed && new Map(byComm.entries).get('sync')?.slice(0, 2)).toEqual([
      { min: 0, max: 0, count: 1 },
      { min: 1, max: 1, count: 0 },
    ]);
  });

  it('hist(): 0.23 keeps empty buckets in between', () => {
    const h = ofType(load('0.23.2', 'hist'), 'hist');
    const last = h[3];
    expect(!last.keyed && last.buckets.slice(0, 3)).toEqual([
      { min: 0, max: 0, count: 4 },
      { min: 1, max: 1, count: 0 },
      { min: 2, max: 3, count: 0 },
    ]);
  });

  it('lhist(): below-range bucket without min, at-or-above bucket without max', () => {
    for (const v of VERSIONS) {
      const h = ofType(load(v, 'lhist'), 'hist');
      const readRet = h.find((r) => r.name === '@read_ret');
      if (!readRet || readRet.keyed) throw new Error('no @read_ret');
      expect(readRet.buckets[0]).toEqual({ max: -1, count: v === '0.17.0' ? 26 : 24 });
      expect(readRet.buckets[1]).toMatchObject({ min: 0, max: 511 });
      expect(readRet.buckets.at(-1)).toEqual({ min: 4096, count: v === '0.17.0' ? 6379 : 10372 });
      expect('max' in readRet.buckets.at(-1)!).toBe(false);
    }
    const small = ofType(load('0.23.2', 'lhist'), 'hist').find((r) => r.name === '@small');
    expect(small?.keyed && new Map(small.entries).get('sshd-session')).toEqual([{ min: 100, count: 1 }]);
  });
});

describe('decoder: helper_error and lost_events', () => {
  it('0.23 helper_error (no data member)', () => {
    expect(ofType(load('0.23.2', 'lhist'), 'helper_error')).toEqual([
      { type: 'helper_error', helper: 'map_update_elem', retcode: -17, msg: 'File exists', line: 1, col: 96 },
    ]);
  });

  it('0.17 helper_error shape (with -k, no msg)', () => {
    expect(decodeLine('{"type": "helper_error", "helper": "map_delete_elem", "retcode": -2, "line": 3, "col": 5}')).toEqual({
      type: 'helper_error',
      helper: 'map_delete_elem',
      retcode: -2,
      line: 3,
      col: 5,
    });
  });

  it('lost_events: events + lost = counted in the kernel, both versions', () => {
    for (const v of VERSIONS) {
      const recs = load(v, 'lost_small');
      const lost = ofType(recs, 'lost_events').reduce((s, r) => s + r.events, 0);
      const fired = ofType(recs, 'map').find((r) => r.name === '@fired');
      expect(fired).toEqual({ type: 'map', name: '@fired', keyed: false, value: 12125 });
      expect(ofType(recs, 'printf').length + lost).toBe(12125);
    }
    expect(ofType(load('0.17.0', 'lost_small'), 'lost_events').map((r) => r.events)).toEqual([1020, 2623, 1527]);
    expect(ofType(load('0.23.2', 'lost_small'), 'lost_events').map((r) => r.events)).toEqual([8591, 1268]);
  });
});

describe('decoder: stacks in keys (4-space 0.17, 8-space 0.23 after the 2nd unescape)', () => {
  it('0.17 kstack keys', () => {
    const k = keyedMap(load('0.17.0', 'stacks'), '@k');
    const first = [...k.keys()][0];
    expect(first.startsWith('\n    lockref_get_not_dead+44\n    __legitimize_path+42\n')).toBe(true);
    expect(parseStack(first)).toEqual([
      'lockref_get_not_dead',
      '__legitimize_path',
      'try_to_unlazy',
      'complete_walk',
      'path_openat',
      'do_filp_open',
      'do_sys_openat2',
      '__x64_sys_openat',
      'do_syscall_64',
      'entry_SYSCALL_64_after_hwframe',
    ]);
    // @u[ustack, comm]: "\n    0x...\n,comm"
    const u = keyedMap(load('0.17.0', 'stacks'), '@u');
    expect(u.get('\n    0x7f1f6220a001\n    0x7f1f6213f957\n    0x7f1f6213f38c\n,basename')).toBe(1);
    // @both[kstack, ustack] with an empty kstack: the key starts with ","
    expect([...keyedMap(load('0.17.0', 'stacks'), '@both').keys()].some((key) => key.startsWith(',\n    0x'))).toBe(true);
  });

  it('0.23 kstack keys (and a decoder without a version decides "twice" from them)', () => {
    const dec = createDecoder();
    const recs = dec.push(raw('0.23.2', 'stacks')).concat(dec.end());
    expect(dec.keyState.doubleEscaped).toBe(true);
    const k = keyedMap(recs, '@k');
    const first = [...k.keys()][0];
    expect(first.startsWith('\n        charge_memcg+61\n        __mem_cgroup_charge+44\n')).toBe(true);
    expect(parseStack(first).slice(0, 3)).toEqual(['charge_memcg', '__mem_cgroup_charge', 'do_anonymous_page']);
    // empty stack is "\n" in 0.23: @both keys of user-only samples start with "\n,"
    expect([...keyedMap(recs, '@both').keys()].some((key) => key.startsWith('\n,\n        '))).toBe(true);
    // demangled C++ names keep their spaces and parens
    const frames = [...keyedMap(recs, '@u').keys()].flatMap((key) => parseStack(key.slice(0, key.lastIndexOf('\n,') + 1)));
    expect(frames).toContain('v8::Function::Call(v8::Local<v8::Context>, v8::Local<v8::Value>, int, v8::Local<v8::Value>*)');
  });

  it('printf of kstack(3): 8 spaces in 0.23, an empty stack is "" in 0.17 and "\\n" in 0.23', () => {
    expect(texts(load('0.17.0', 'stacks'), 'printf')[0]).toBe('gzip stack:\n');
    const t23 = texts(load('0.23.2', 'stacks'), 'printf');
    expect(t23[0]).toBe('gzip stack:\n\n');
    expect(t23[1]).toBe('gzip stack:\n        finish_task_switch.isra.0+147\n        __schedule+980\n        schedule+35\n\n');
    expect(parseStack(t23[1].slice('gzip stack:'.length))).toEqual(['finish_task_switch.isra.0', '__schedule', 'schedule']);
  });

  it('0.17 decoder without a version decides "once" from stack keys', () => {
    const dec = createDecoder();
    dec.push(raw('0.17.0', 'stacks'));
    expect(dec.keyState).toEqual({ doubleEscaped: false, final: true });
  });
});

describe('decoder: key-escape decision', () => {
  it('from the version', () => {
    expect(createKeyEscapeState({ version: 'v0.17.0' }).doubleEscaped).toBe(false);
    expect(createKeyEscapeState({ version: 'bpftrace v0.20.4' }).doubleEscaped).toBe(false);
    expect(createKeyEscapeState({ version: 'v0.21.0' }).doubleEscaped).toBeNull();
    expect(createKeyEscapeState({ version: 'v0.22.1' }).doubleEscaped).toBeNull();
    expect(createKeyEscapeState({ version: 'v0.23.2' }).doubleEscaped).toBe(true);
    expect(createKeyEscapeState({ version: 'v0.24.0-rc1' }).doubleEscaped).toBe(true);
    expect(createKeyEscapeState({ version: 'garbage' }).doubleEscaped).toBeNull();
    expect(createKeyEscapeState({ version: 'v0.23.2', doubleEscapedKeys: false }).doubleEscaped).toBe(false);
  });

  it('classifies keys', () => {
    expect(classifyKey('bash,123')).toBe('none');
    expect(classifyKey('\n    vfs_read+5\n')).toBe('once'); // raw newline
    expect(classifyKey('back\\slash')).toBe('once'); // invalid escape \s
    expect(classifyKey('dq"quote')).toBe('once');
    expect(classifyKey('h\u00c3\u00a9')).toBe('once');
    expect(classifyKey('\\n        vfs_read+5\\n')).toBe('twice');
    expect(classifyKey('dq\\"quote')).toBe('twice');
    expect(classifyKey('back\\\\slash')).toBe('twice');
  });

  it('remembers the decision across records, and a probable "twice" yields to proof of "once"', () => {
    const dec = createDecoder();
    // plain keys decide nothing
    dec.push(Buffer.from('{"type": "map", "data": {"@a": {"bash": 1}}}\n'));
    expect(dec.keyState.doubleEscaped).toBeNull();
    // a literal backslash-n in a 0.17 key looks like "twice" (probable)...
    const [r1] = dec.push(Buffer.from('{"type": "map", "data": {"@a": {"C:\\\\new": 1}}}\n'));
    expect(dec.keyState).toEqual({ doubleEscaped: true, final: false });
    expect(r1).toMatchObject({ entries: [['C:\n' + 'ew', 1]] }); // the price of a wrong probable guess
    // ...until a key that cannot be escaped twice shows up
    const [r2] = dec.push(Buffer.from('{"type": "map", "data": {"@a": {"back\\\\slash": 1}}}\n'));
    expect(dec.keyState).toEqual({ doubleEscaped: false, final: true });
    expect(r2).toMatchObject({ entries: [['back\\slash', 1]] });
  });
});

describe('decoder: hostile input', () => {
  it('empty input and blank lines give nothing', () => {
    const dec = createDecoder();
    expect(dec.push(Buffer.alloc(0))).toEqual([]);
    expect(dec.push(Buffer.from('\n\n  \n\t\n'))).toEqual([]);
    expect(dec.end()).toEqual([]);
    expect(decodeLine('')).toBeNull();
    expect(decodeLine('   ')).toBeNull();
  });

  it('invalid and truncated JSON become malformed records', () => {
    const recs = decodeAll('not json\n{"type": "printf", "data": "abc\n{"type": "printf", "data": "ok"}\n');
    expect(recs[0]).toMatchObject({ type: 'malformed', line: 'not json' });
    expect(recs[0].type === 'malformed' && recs[0].reason).toMatch(/^invalid JSON/);
    expect(recs[1]).toMatchObject({ type: 'malformed', line: '{"type": "printf", "data": "abc' });
    expect(recs[2]).toEqual({ type: 'printf', text: 'ok' });
  });

  it('JSON that is not a record', () => {
    expect(decodeLine('[{"type": "printf", "data": "x"}]')).toMatchObject({ type: 'malformed', reason: 'not a JSON object' });
    expect(decodeLine('"a string"')).toMatchObject({ type: 'malformed', reason: 'not a JSON object' });
    expect(decodeLine('null')).toMatchObject({ type: 'malformed' });
    expect(decodeLine('42')).toMatchObject({ type: 'malformed' });
    expect(decodeLine('{"type": 5, "data": 1}')).toMatchObject({ type: 'malformed', reason: 'no string "type" member' });
    expect(decodeLine('{"data": 1}')).toMatchObject({ type: 'malformed' });
    expect(decodeLine('{"type": "printf", "data": 5}')).toMatchObject({ type: 'malformed' });
    expect(decodeLine('{"type": "attached_probes", "data": {}}')).toMatchObject({ type: 'malformed' });
    expect(decodeLine('{"type": "lost_events"}')).toMatchObject({ type: 'malformed' });
    expect(decodeLine('{"type": "helper_error", "msg": "x"}')).toMatchObject({ type: 'malformed' });
  });

  it('unknown types and unexpected shapes are kept as unknown, with strings repaired', () => {
    expect(decodeLine('{"type": "cat", "data": "h\\uffffffc3\\uffffffa9"}')).toEqual({
      type: 'unknown',
      rawType: 'cat',
      raw: { type: 'cat', data: 'hé' },
    });
    expect(decodeLine('{"type": "value", "data": [1, "x"]}')).toMatchObject({ type: 'unknown', rawType: 'value' });
    expect(decodeLine('{"type": "map", "data": {"@a": 1, "@b": 2}}')).toMatchObject({ type: 'unknown', rawType: 'map' });
    expect(decodeLine('{"type": "map", "data": {"@a": {"k": [1]}}}')).toMatchObject({ type: 'unknown' });
    expect(decodeLine('{"type": "hist", "data": {"@h": [{"min": 1}]}}')).toMatchObject({ type: 'unknown' });
  });

  it('a malformed line is kept only as a bounded preview', () => {
    const long = `{"type": ${'x'.repeat(5000)}`;
    const rec = decodeLine(long);
    expect(rec?.type).toBe('malformed');
    expect(rec?.type === 'malformed' && rec.line.length).toBeLessThanOrEqual(MALFORMED_PREVIEW_CHARS + 1);
  });

  it('a 20 MB line with a small maxLineBytes: one malformed record, bounded memory, stream goes on', () => {
    const maxLineBytes = 1024 * 1024;
    const dec = createDecoder({ maxLineBytes });
    const out: BtRecord[] = [];
    const head = '{"type": "printf", "data": "';
    const tail = '"}';
    out.push(...dec.push(Buffer.from(`{"type": "printf", "data": "before"}\n${head}`)));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let maxBuffered = 0;
    for (let sent = 0; sent < 20 * 1024 * 1024; sent += chunk.length) {
      out.push(...dec.push(chunk));
      maxBuffered = Math.max(maxBuffered, dec.bufferedBytes);
    }
    out.push(...dec.push(Buffer.from(`${tail}\n{"type": "printf", "data": "after"}\n`)));
    out.push(...dec.end());
    expect(maxBuffered).toBeLessThanOrEqual(maxLineBytes);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ type: 'printf', text: 'before' });
    expect(out[1].type).toBe('malformed');
    if (out[1].type === 'malformed') {
      expect(out[1].reason).toBe(`line too long: ${head.length + 20 * 1024 * 1024 + tail.length} bytes > maxLineBytes ${maxLineBytes}`);
      expect(out[1].line.startsWith('{"type": "printf", "data": "aaaa')).toBe(true);
      expect(out[1].line.length).toBeLessThanOrEqual(MALFORMED_PREVIEW_CHARS + 1);
    }
    expect(out[2]).toEqual({ type: 'printf', text: 'after' });
  });

  it('a too-long line inside a single chunk is also one malformed record', () => {
    const recs = decodeAll(`{"type": "printf", "data": "${'b'.repeat(5000)}"}\n{"type": "printf", "data": "ok"}`, { maxLineBytes: 1000 });
    expect(recs.map((r) => r.type)).toEqual(['malformed', 'printf']);
  });

  it('chunk boundaries anywhere (inside a line, inside a UTF-8 sequence) change nothing', () => {
    // raw UTF-8 (as a fixed bpftrace might print it) and bpftrace's escapes, in one stream
    const text =
      '{"type": "printf", "data": "raw é ✓ 日本 😀"}\n\n{"type": "printf", "data": "h\\uffffffc3\\uffffffa9"}\n{"type": "map", "data": {"@a": {"x,1": 2}}}';
    const bytes = Buffer.from(text, 'utf8');
    const whole = decodeAll(bytes);
    expect(whole).toEqual([
      { type: 'printf', text: 'raw é ✓ 日本 😀' },
      { type: 'printf', text: 'hé' },
      { type: 'map', name: '@a', keyed: true, entries: [['x,1', 2]] },
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const dec = createDecoder();
      const recs = [...dec.push(bytes.subarray(0, cut)), ...dec.push(bytes.subarray(cut)), ...dec.end()];
      expect(recs, `cut at ${cut}`).toEqual(whole);
    }
    // byte by byte
    const dec = createDecoder();
    const recs: BtRecord[] = [];
    for (let i = 0; i < bytes.length; i++) recs.push(...dec.push(bytes.subarray(i, i + 1)));
    recs.push(...dec.end());
    expect(recs).toEqual(whole);
  });

  it('a real capture fed in odd-sized chunks equals the whole', () => {
    for (const v of VERSIONS) {
      const bytes = raw(v, 'keys_special');
      const dec = createDecoder();
      const recs: BtRecord[] = [];
      for (let i = 0; i < bytes.length; i += 7) recs.push(...dec.push(bytes.subarray(i, i + 7)));
      recs.push(...dec.end());
      expect(recs).toEqual(decodeAll(bytes));
    }
  });

  it('chunk buffers reused by the caller do not corrupt a pending line', () => {
    const dec = createDecoder();
    const buf = Buffer.from('{"type": "printf", "data": "abc');
    dec.push(buf);
    buf.fill(0x7a);
    expect(dec.push(Buffer.from('def"}\n'))).toEqual([{ type: 'printf', text: 'abcdef' }]);
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const pieces = ['{"type": "map", "data": {"@a": {"', '\\uffffff', '\\\\', '"', '\n', '}', '{"type": "printf", "data": "'];
    for (let round = 0; round < 200; round++) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 30; i++) parts.push(rnd() < 128 ? Buffer.from(pieces[rnd() % pieces.length]) : Buffer.from([rnd()]));
      const dec = createDecoder({ maxLineBytes: 64 });
      expect(() => {
        dec.push(Buffer.concat(parts));
        dec.end();
      }).not.toThrow();
    }
  });
});
