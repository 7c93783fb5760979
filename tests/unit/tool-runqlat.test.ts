/**
 * runqlat parser: golden tests on real captures from bpftrace 0.17 and 0.23 (tests/fixtures/runqlat, see
 * CAPTURE.md: 3.5 s without our load, then 6 pinned CPU burners on the 2 CPUs for 2 s), and hostile input.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { slicePercentiles, totalCount } from '@/lib/tools/histogram';
import { runqlatTool } from '@/lib/tools/runqlat';
import { createRunqlatParser } from '@/lib/tools/runqlat/parse';
import type { LatencyHeatmapResult } from '@/lib/tools/types';

const FIXTURES = path.resolve(__dirname, '../fixtures/runqlat');
const raw = (v: string) => readFileSync(path.join(FIXTURES, v, 'runqlat.jsonl'));

function parse(input: Buffer | string): LatencyHeatmapResult {
  const p = createRunqlatParser();
  for (const r of decodeAll(input)) p.push(r);
  return p.finish();
}

function waitsAtLeast(buckets: LatencyHeatmapResult['total'], us: number): number {
  return buckets.filter((b) => (b.min ?? -1) >= us).reduce((s, b) => s + b.count, 0);
}

describe('runqlat on real captures', () => {
  it('0.17.0: seven columns, all waits received', () => {
    const r = parse(raw('0.17.0'));
    expect(r.columns.map((c) => c.count)).toEqual([1249, 4322, 565, 838, 776, 90, 47]);
    expect(r.columns.map((c) => Math.round(c.tSec * 1000) / 1000)).toEqual([1.002, 2.003, 3.002, 4.002, 5.002, 6.003, 6.574]);
    expect(r.count).toBe(7887);
    expect(r.countedInKernel).toBe(7887);
    expect(r.lostInSwitch).toBe(0);
    expect(r.stats.helperErrors).toBe(0);
    // the zero bucket shows up on 0.17 (a wait under 1 us)
    expect(r.total[0]).toEqual({ min: 0, max: 0, count: 1 });
    expect(r.total[r.total.length - 1]).toEqual({ min: 32768, max: 65535, count: 1 });
    expect(totalCount(r.total)).toBe(7887);
    expect(r.p50).toBeCloseTo(24.724, 3);
    expect(r.p90).toBeCloseTo(5336.62, 2);
    expect(r.p99).toBeCloseTo(13306.2, 1);
    expect(r.unmatched).toBeNull();
    expect(r.unfinished).toBeNull();
  });

  it('0.23.2: one wait lost to the hist update race, reported as a helper_error and as lostInSwitch', () => {
    const r = parse(raw('0.23.2'));
    expect(r.columns.map((c) => c.count)).toEqual([119, 463, 355, 718, 1177, 1800, 78]);
    expect(r.count).toBe(4710);
    expect(r.countedInKernel).toBe(4711);
    expect(r.lostInSwitch).toBe(1);
    expect(r.stats.helperErrors).toBe(1);
    expect(r.p90).toBeCloseTo(6454.15, 2);
    expect(r.p99).toBeCloseTo(13668.4, 1);
  });

  it('the seconds with 3 runnable threads per CPU wait milliseconds; the seconds before do not (0.23.2)', () => {
    const r = parse(raw('0.23.2'));
    // burners ran from ~3.5 s to ~5.5 s after ssh started; bpftrace's clock starts ~0.5-1 s later
    const before = slicePercentiles(r.columns, 0, 3.5);
    const loaded = slicePercentiles(r.columns, 3.5, 5.5);
    expect(loaded.count).toBe(718 + 1177);
    expect(loaded.p90!).toBeGreaterThan(4096);
    expect(before.p90!).toBeLessThan(1024);
    expect(loaded.p99!).toBeGreaterThan(before.p99!);
    expect(waitsAtLeast(r.columns[3].buckets, 1024)).toBe(437);
    expect(waitsAtLeast(r.columns[4].buckets, 1024)).toBe(539);
  });

  it("the loaded seconds of 0.17.0 too (its first second held another engineer's load)", () => {
    const r = parse(raw('0.17.0'));
    expect(waitsAtLeast(r.columns[3].buckets, 1024)).toBe(544);
    expect(waitsAtLeast(r.columns[4].buckets, 1024)).toBe(442);
    const quiet = slicePercentiles(r.columns, 1.5, 3.5);
    const loaded = slicePercentiles(r.columns, 3.5, 5.5);
    expect(loaded.p90!).toBeGreaterThan(quiet.p90!);
    expect(loaded.p50!).toBeGreaterThan(1024);
  });

  it('the catalog entry: noticeable overhead, at most 60 s, tracepoints declared', () => {
    expect(runqlatTool.overhead).toBe('noticeable');
    expect(runqlatTool.maxDurationSec).toBe(60);
    expect(runqlatTool.variants[0].tracepoints).toEqual(['sched:sched_wakeup', 'sched:sched_wakeup_new', 'sched:sched_switch']);
    const p = runqlatTool.createParser();
    for (const rec of decodeAll(raw('0.17.0'))) p.push(rec);
    expect((p.finish() as LatencyHeatmapResult).count).toBe(7887);
  });
});

describe('runqlat on hostile input', () => {
  it('empty, blank-only and garbage captures', () => {
    for (const input of ['', '\n\n', '\u0000\u0001\u0002', '{"type":', '[]\n{}\n"x"\n']) {
      const r = parse(input);
      expect(r.count).toBe(0);
      expect(r.columns).toEqual([]);
      expect(r.p99).toBeNull();
    }
    expect(parse('{"type":\n[]\n{}\n').stats.malformedLines).toBe(3);
  });

  it('a capture cut after every line still parses to a consistent prefix', () => {
    const lines = raw('0.23.2').toString('utf8').split('\n');
    let prevCount = 0;
    for (let i = 0; i <= lines.length; i++) {
      const r = parse(lines.slice(0, i).join('\n'));
      expect(r.columns.reduce((s, c) => s + c.count, 0)).toBe(r.count);
      expect(r.count).toBeGreaterThanOrEqual(prevCount);
      prevCount = r.count;
    }
    expect(prevCount).toBe(4710);
  });

  it('@qtime in the exit dump (threads queued after END cleared it) is expected, not unparsed', () => {
    const r = parse(
      [
        '{"type": "printf", "data": "end\\u001f1000\\n"}',
        '{"type": "map", "data": {"@qtime": {"123": 456, "77": 5}}}',
        '{"type": "map", "data": {"@other": {"1": 1}}}',
      ].join('\n'),
    );
    expect(r.unparsedRecords).toBe(1);
  });

  it('a hist with thousands of keys of junk is counted as unparsed, not summed', () => {
    const junk = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, [{ min: 1, max: 1, count: 1 }]]));
    const r = parse(`${JSON.stringify({ type: 'hist', data: { '@usecs_a': junk } })}\n`);
    expect(r.count).toBe(0);
    expect(r.unparsedRecords).toBe(1);
  });
});
