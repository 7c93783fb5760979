/**
 * lib/tools/histogram.ts: log2 bucket math (sums, percentiles by interpolation inside a bucket) shared by
 * biolatency and runqlat, and the heat map parser's marker handling.
 */
import { describe, expect, it } from 'vitest';
import type { HistBucket } from '@/lib/bpftrace/types';
import {
  createLatencyHeatmapParser,
  fillLog2Gaps,
  nextLog2Bucket,
  parseMarker,
  percentile,
  slicePercentiles,
  sumHistograms,
  totalCount,
} from '@/lib/tools/histogram';

const b = (min: number, max: number, count: number): HistBucket => ({ min, max, count });

describe('nextLog2Bucket', () => {
  it('follows bpftrace hist() bounds', () => {
    expect(nextLog2Bucket(b(0, 0, 1))).toEqual(b(1, 1, 0));
    expect(nextLog2Bucket(b(1, 1, 1))).toEqual(b(2, 3, 0));
    expect(nextLog2Bucket(b(2, 3, 1))).toEqual(b(4, 7, 0));
    expect(nextLog2Bucket(b(1024, 2047, 1))).toEqual(b(2048, 4095, 0));
  });

  it('is null for buckets that are not log2 (lhist, open ends)', () => {
    expect(nextLog2Bucket(b(0, 49, 1))).toBeNull();
    expect(nextLog2Bucket(b(100, 149, 1))).toBeNull();
    expect(nextLog2Bucket({ max: -1, count: 1 })).toBeNull();
    expect(nextLog2Bucket({ min: 100, count: 1 })).toBeNull();
  });
});

describe('sumHistograms', () => {
  it('adds bucket by bucket, sorted, with the empty buckets in between that bpftrace would print', () => {
    const sum = sumHistograms([[b(16, 31, 2), b(32, 63, 5)], [b(2, 3, 1)], [b(32, 63, 1), b(256, 511, 4)]]);
    expect(sum).toEqual([b(2, 3, 1), b(4, 7, 0), b(8, 15, 0), b(16, 31, 2), b(32, 63, 6), b(64, 127, 0), b(128, 255, 0), b(256, 511, 4)]);
    expect(totalCount(sum)).toBe(13);
  });

  it('drops leading and trailing empty buckets, keeps the zero bucket and the negative bucket first', () => {
    expect(sumHistograms([[b(1, 1, 0), b(2, 3, 3), b(4, 7, 0)]])).toEqual([b(2, 3, 3)]);
    expect(sumHistograms([[b(1, 1, 2)], [{ max: -1, count: 1 }, b(0, 0, 4)]])).toEqual([{ max: -1, count: 1 }, b(0, 0, 4), b(1, 1, 2)]);
    expect(sumHistograms([])).toEqual([]);
    expect(sumHistograms([[], []])).toEqual([]);
  });

  it('does not modify its inputs', () => {
    const h = [b(4, 7, 1)];
    sumHistograms([h, h]);
    expect(h).toEqual([b(4, 7, 1)]);
  });

  it('fillLog2Gaps stays bounded on absurd input', () => {
    const filled = fillLog2Gaps([b(1, 1, 1), b(2 ** 52, 2 ** 53 - 1, 1)]);
    expect(filled.length).toBeLessThanOrEqual(66);
    expect(filled[filled.length - 1]).toEqual(b(2 ** 52, 2 ** 53 - 1, 1));
  });
});

describe('percentile', () => {
  it('interpolates linearly over [min, max + 1) of the bucket holding the rank', () => {
    // 10 values in [32, 64): the p-th percentile is 32 + p% of 32
    const h = [b(32, 63, 10)];
    expect(percentile(h, 50)).toBe(48);
    expect(percentile(h, 90)).toBeCloseTo(60.8, 10);
    expect(percentile(h, 100)).toBe(64);
    // rank 5 of 10: 4 below, so 1/2 of the way through the second bucket [8, 16)
    expect(percentile([b(4, 7, 4), b(8, 15, 2), b(16, 31, 4)], 50)).toBe(12);
  });

  it('handles the zero bucket, [1,1] and empty buckets in between', () => {
    expect(percentile([b(0, 0, 4)], 50)).toBe(0.5);
    expect(percentile([b(1, 1, 1)], 100)).toBe(2);
    // the empty bucket in between never holds the rank
    expect(percentile([b(2, 3, 1), b(4, 7, 0), b(8, 15, 1)], 99)).toBeCloseTo(8 + 0.98 * 8, 10);
  });

  it('uses the open bound of open-ended buckets', () => {
    expect(percentile([{ max: -1, count: 9 }, b(1, 1, 1)], 50)).toBe(-1);
    expect(percentile([b(1, 1, 1), { min: 100, count: 9 }], 99)).toBe(100);
  });

  it('is monotonic in p', () => {
    const h = [b(0, 0, 3), b(1, 1, 7), b(2, 3, 20), b(4, 7, 11), b(64, 127, 2)];
    let prev = -Infinity;
    for (let p = 1; p <= 100; p++) {
      const v = percentile(h, p)!;
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });

  it('is null for an empty histogram or p out of (0, 100]', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([b(1, 1, 0)], 50)).toBeNull();
    expect(percentile([b(1, 1, 3)], 0)).toBeNull();
    expect(percentile([b(1, 1, 3)], 101)).toBeNull();
    expect(percentile([b(1, 1, 3)], Number.NaN)).toBeNull();
  });
});

describe('parseMarker', () => {
  it('reads tick and end markers', () => {
    expect(parseMarker('tick\x1f1001175112\n')).toEqual({ kind: 'tick', elapsedNs: 1001175112 });
    expect(parseMarker('end\x1f5721028509\n')).toEqual({ kind: 'end', elapsedNs: 5721028509 });
    expect(parseMarker('end\x1f5721028509')).toEqual({ kind: 'end', elapsedNs: 5721028509 });
  });

  it('rejects anything else', () => {
    for (const t of ['tick\x1f-1294480881\n', 'tick 1000\n', 'tick\x1f\n', 'tick\x1f12x\n', 'tock\x1f1\n', '', 'tick\x1f99999999999999999999\n']) {
      expect(parseMarker(t), JSON.stringify(t)).toBeNull();
    }
  });
});

describe('slicePercentiles', () => {
  it('sums the columns of a time slice', () => {
    const cols = [
      { tSec: 1, buckets: [b(2, 3, 10)], count: 10 },
      { tSec: 2, buckets: [b(4096, 8191, 10)], count: 10 },
      { tSec: 3, buckets: [b(4096, 8191, 10)], count: 10 },
    ];
    expect(slicePercentiles(cols, 0, 1.5)).toEqual({ count: 10, p50: 3, p90: 3.8, p99: 3.98 });
    expect(slicePercentiles(cols, 1.5, 4).count).toBe(20);
    expect(slicePercentiles(cols, 1.5, 4).p50).toBe(6144);
    expect(slicePercentiles(cols, 9, 10)).toEqual({ count: 0, p50: null, p90: null, p99: null });
  });
});

describe('createLatencyHeatmapParser', () => {
  const opts = { unit: 'us' as const, histMaps: ['@a', '@b'], countMap: '@n', unmatchedMap: '@u', pendingMap: '@start' };

  it('gives each marker a column, empty when no histogram follows', () => {
    const p = createLatencyHeatmapParser(opts);
    p.push({ type: 'printf', text: 'tick\x1f1000000000\n' });
    p.push({ type: 'hist', name: '@a', keyed: false, buckets: [b(8, 15, 2)] });
    p.push({ type: 'printf', text: 'tick\x1f2000000000\n' });
    p.push({ type: 'printf', text: 'end\x1f2500000000\n' });
    p.push({ type: 'hist', name: '@a', keyed: false, buckets: [b(8, 15, 1)] });
    p.push({ type: 'hist', name: '@b', keyed: false, buckets: [b(16, 31, 1)] });
    const r = p.finish();
    expect(r.columns.map((c) => [c.tSec, c.count])).toEqual([
      [1, 2],
      [2, 0],
      [2.5, 2],
    ]);
    expect(r.columns[2].buckets).toEqual([b(8, 15, 1), b(16, 31, 1)]);
    expect(r.total).toEqual([b(8, 15, 3), b(16, 31, 1)]);
    expect(r.count).toBe(4);
    // after END, an absent @start means nothing was left pending
    expect(r.unfinished).toBe(0);
    expect(r.countedInKernel).toBeNull();
    expect(r.lostInSwitch).toBeNull();
  });

  it('caps columns but keeps every histogram in the total', () => {
    const p = createLatencyHeatmapParser({ ...opts, maxColumns: 2 });
    for (let i = 1; i <= 5; i++) {
      p.push({ type: 'printf', text: `tick\x1f${i}000000000\n` });
      p.push({ type: 'hist', name: '@a', keyed: false, buckets: [b(1, 1, i)] });
    }
    const r = p.finish();
    expect(r.columns).toHaveLength(2);
    expect(r.columnsDropped).toBe(3);
    expect(r.count).toBe(15);
    expect(r.total).toEqual([b(1, 1, 15)]);
  });

  it('a total folded from many histograms equals the plain sum', () => {
    const p = createLatencyHeatmapParser(opts);
    for (let i = 0; i < 300; i++) p.push({ type: 'hist', name: '@a', keyed: false, buckets: [b(2 ** (i % 10), 2 ** ((i % 10) + 1) - 1, 1)] });
    const r = p.finish();
    expect(r.count).toBe(300);
    expect(totalCount(r.total)).toBe(300);
    // a histogram before any marker gets a column at t = 0
    expect(r.columns).toHaveLength(1);
    expect(r.columns[0].tSec).toBe(0);
  });

  it('counts the kernel totals and the pending starts of the exit dump', () => {
    const p = createLatencyHeatmapParser(opts);
    p.push({ type: 'hist', name: '@a', keyed: false, buckets: [b(1, 1, 7)] });
    p.push({ type: 'map', name: '@n', keyed: false, value: 9 });
    p.push({ type: 'map', name: '@u', keyed: false, value: 3 });
    p.push({ type: 'map', name: '@gen', keyed: false, value: 1 });
    p.push({
      type: 'map',
      name: '@start',
      keyed: true,
      entries: [
        ['266338304,8', 5],
        ['266338304,16', 6],
      ],
    });
    const r = p.finish();
    expect(r.countedInKernel).toBe(9);
    expect(r.lostInSwitch).toBe(2);
    expect(r.unmatched).toBe(3);
    expect(r.unfinished).toBe(2);
    expect(r.unparsedRecords).toBe(0);
  });
});
