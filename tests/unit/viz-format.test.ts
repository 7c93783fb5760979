import { describe, expect, it } from 'vitest';
import type { EventColumn } from '@/lib/tools/types';
import { columnPredicate, compareCells, computeView, createRowTextIndex, parseNumericFilter, sortRows } from '@/lib/viz/filter';
import { controlSegments, errnoName, escapeControl, formatBytes, formatCell, formatMs } from '@/lib/viz/format';
import { resultNotices } from '@/lib/viz/notices';
import { synthesizeEventRows } from '@/lib/viz/synthetic';

describe('formatCell', () => {
  it('formats by column type', () => {
    expect(formatCell('time', 1.23456)).toEqual({ text: '1.235 s', title: '1.23456 s since the run started' });
    expect(formatCell('bytes', 1536)).toEqual({ text: '1.50 KiB', title: '1,536 bytes' });
    expect(formatCell('bytes', 512)).toEqual({ text: '512 B', title: '512 bytes' });
    expect(formatCell('duration_ms', 0.0123).text).toBe('0.012 ms');
    expect(formatCell('duration_ms', 12.345).text).toBe('12.35 ms');
    expect(formatCell('duration_ms', 1234.56).text).toBe('1,234.6 ms');
    expect(formatCell('errno', 2).text).toBe('2 ENOENT');
    expect(formatCell('errno', 13).text).toBe('13 EACCES');
    expect(formatCell('errno', -2).text).toBe('-2 ENOENT');
    expect(formatCell('errno', 0).text).toBe('0');
    expect(formatCell('errno', 9999).text).toBe('9999');
    expect(formatCell('int', 12345).text).toBe('12345');
    expect(formatCell('string', null).text).toBe('—');
  });

  it('shows control characters as escapes', () => {
    expect(escapeControl('a\nb\tc\x1b[31m\x7f')).toBe('a\\nb\\tc\\x1b[31m\\x7f');
    expect(formatCell('string', 'new\nline').text).toBe('new\\nline');
    expect(controlSegments('x\ny')).toEqual([
      { text: 'x', escape: false },
      { text: '\\n', escape: true },
      { text: 'y', escape: false },
    ]);
    expect(escapeControl('héllo ✓ 日本')).toBe('héllo ✓ 日本');
  });

  it('formats sizes and names errnos', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1024 ** 3 * 1.5)).toBe('1.50 GiB');
    expect(formatBytes(123 * 1024 ** 2)).toBe('123 MiB');
    expect(formatMs(5)).toBe('5.000 ms');
    expect(errnoName(110)).toBe('ETIMEDOUT');
    expect(errnoName(0)).toBeNull();
  });
});

describe('filters', () => {
  it('parses numeric conditions', () => {
    expect(parseNumericFilter('>10')!(11)).toBe(true);
    expect(parseNumericFilter('> 10')!(10)).toBe(false);
    expect(parseNumericFilter('>=10')!(10)).toBe(true);
    expect(parseNumericFilter('<1e3')!(999)).toBe(true);
    expect(parseNumericFilter('!=0')!(0)).toBe(false);
    expect(parseNumericFilter('=0')!(0)).toBe(true);
    expect(parseNumericFilter('5..1')!(3)).toBe(true);
    expect(parseNumericFilter('1..5')!(6)).toBe(false);
    expect(parseNumericFilter('abc')).toBeNull();
  });

  it('matches text on raw and displayed values, case-insensitively', () => {
    expect(columnPredicate('errno', 'enoent')!(2)).toBe(true);
    expect(columnPredicate('errno', 'enoent')!(13)).toBe(false);
    expect(columnPredicate('bytes', 'KiB')!(1536)).toBe(true);
    expect(columnPredicate('string', 'ETC')!('/etc/passwd')).toBe(true);
    expect(columnPredicate('string', 'x')!(null)).toBe(false);
    expect(columnPredicate('int', '>100')!('150')).toBe(false); // numeric conditions need numbers
    expect(columnPredicate('string', '  ')).toBeNull();
  });

  it('indexes whole rows for the global filter', () => {
    const cols: EventColumn[] = [
      { key: 'comm', label: 'COMM', type: 'string' },
      { key: 'err', label: 'ERR', type: 'errno' },
    ];
    const text = createRowTextIndex(cols);
    const row = { comm: 'Bash', err: 13 };
    expect(text(row)).toContain('bash');
    expect(text(row)).toContain('eacces');
    expect(text(row)).toBe(text(row));
  });
});

describe('sorting', () => {
  it('compares numbers numerically and keeps empty cells last', () => {
    expect(compareCells(9, 10)).toBeLessThan(0);
    expect(compareCells('9', '10')).toBeGreaterThan(0);
    expect(compareCells(null, 1)).toBeGreaterThan(0);
    const rows = [{ v: 10 }, { v: null }, { v: 9 }, { v: 100 }];
    expect(sortRows(rows, 'v', false).map((r) => r.v)).toEqual([9, 10, 100, null]);
    expect(sortRows(rows, 'v', true).map((r) => r.v)).toEqual([100, 10, 9, null]);
  });
});

describe('resultNotices', () => {
  const stats = { records: 10, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  it('says nothing for a complete result', () => {
    expect(resultNotices({ kind: 'events', columns: [], rows: [], eventsSeen: 0, rowsDropped: 0, maxRows: 10, unparsedEvents: 0, stats })).toEqual([]);
  });
  it('reports lost events and the row cap', () => {
    const n = resultNotices({
      kind: 'events',
      columns: [],
      rows: [{}],
      eventsSeen: 3,
      rowsDropped: 2,
      maxRows: 1,
      unparsedEvents: 0,
      stats: { ...stats, lostEvents: 1020 },
    });
    expect(n.map((x) => x.id)).toEqual(['lost-events', 'rows-dropped']);
    expect(n[0].text).toContain('1,020 events lost');
    expect(n[1].text).toContain('first 1 of 3 events');
  });
  it('reports a pruned profile', () => {
    const n = resultNotices({
      kind: 'profile',
      sampleHz: 99,
      samplesCounted: 10,
      samplesInTree: 10,
      processes: [],
      root: { name: 'all', kind: 'root', value: 10, children: [] },
      pruned: { nodesBefore: 500, nodesAfter: 40, minShare: 0.0005, maxNodes: 40 },
      stats,
    });
    expect(n.map((x) => x.id)).toEqual(['pruned']);
    expect(n[0].text).toContain('500 → 40 frames');
  });
});

describe('synthesizeEventRows', () => {
  it('replicates real rows with varied numbers, keeping strings', () => {
    const columns: EventColumn[] = [
      { key: 'time', label: 'TIME', type: 'time' },
      { key: 'comm', label: 'COMM', type: 'string' },
      { key: 'bytes', label: 'BYTES', type: 'bytes' },
      { key: 'pid', label: 'PID', type: 'int' },
    ];
    const real = [
      { time: 0.5, comm: 'cat', bytes: 4096, pid: 100 },
      { time: 0.7, comm: 'dd\n', bytes: 512, pid: 200 },
    ];
    const rows = synthesizeEventRows({ columns, rows: real }, { rows: 1000, spanSec: 10 });
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.comm))).toEqual(new Set(['cat', 'dd\n']));
    const times = rows.map((r) => r.time as number);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(times[999]).toBeLessThanOrEqual(10);
    expect(new Set(rows.map((r) => r.bytes)).size).toBeGreaterThan(100);
    expect(synthesizeEventRows({ columns, rows: real }, { rows: 10 })).toEqual(synthesizeEventRows({ columns, rows: real }, { rows: 10 }));
  });
});

describe('computeView', () => {
  const cols: EventColumn[] = [
    { key: 'comm', label: 'COMM', type: 'string' },
    { key: 'lat', label: 'LAT', type: 'duration_ms' },
    { key: 'err', label: 'ERR', type: 'errno' },
  ];
  const rows = [
    { comm: 'cat', lat: 5, err: 0 },
    { comm: 'bash', lat: null, err: 2 },
    { comm: 'cat', lat: 1, err: 13 },
    { comm: 'dd', lat: 5, err: 0 },
    { comm: 'Cat', lat: 9, err: 2 },
  ];
  const base = { global: '', rowText: createRowTextIndex(cols), filters: [], sort: null };

  it('keeps arrival order without filters or sort', () => {
    expect(computeView(rows, base)).toEqual([0, 1, 2, 3, 4]);
  });

  it('filters by row text and column predicates together', () => {
    expect(computeView(rows, { ...base, global: 'cat' })).toEqual([0, 2, 4]);
    expect(computeView(rows, { ...base, global: 'cat', filters: [{ key: 'lat', pred: columnPredicate('duration_ms', '>=5')! }] })).toEqual([0, 4]);
    expect(computeView(rows, { ...base, filters: [{ key: 'err', pred: columnPredicate('errno', 'enoent')! }] })).toEqual([1, 4]);
  });

  it('sorts stably, numbers numerically, empty cells last both ways', () => {
    expect(computeView(rows, { ...base, sort: { key: 'lat', desc: false } })).toEqual([2, 0, 3, 4, 1]);
    expect(computeView(rows, { ...base, sort: { key: 'lat', desc: true } })).toEqual([4, 0, 3, 2, 1]);
    expect(computeView(rows, { ...base, sort: { key: 'comm', desc: false } }).map((i) => rows[i].comm)).toEqual(['Cat', 'bash', 'cat', 'cat', 'dd']);
    expect(computeView(rows, { ...base, global: 'cat', sort: { key: 'lat', desc: true } })).toEqual([4, 0, 2]);
  });

  it('agrees with sortRows', () => {
    for (const desc of [false, true]) {
      expect(computeView(rows, { ...base, sort: { key: 'lat', desc } }).map((i) => rows[i])).toEqual(sortRows(rows, 'lat', desc));
    }
  });

  it('handles 100k rows quickly enough to run per keystroke', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => ({ comm: `p${i % 977}`, lat: (i * 7919) % 10007, err: i % 3 ? 0 : 2 }));
    const spec = { ...base, rowText: createRowTextIndex(cols), sort: { key: 'lat', desc: true } };
    const v = computeView(big, spec);
    expect(v).toHaveLength(100_000);
    for (let k = 1; k < v.length; k++) expect(big[v[k - 1]].lat! >= big[v[k]].lat!).toBe(true);
  });
});
