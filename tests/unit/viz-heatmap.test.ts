import { describe, expect, it } from 'vitest';
import type { LatencyHeatmapResult } from '@/lib/tools/types';
import {
  EMPTY_CELL,
  axisTicks,
  buildLatencyGrid,
  gridStats,
  heatColor,
  heatColorAt,
  latencyAxisLabel,
  latencyBucketLabel,
  logScale,
  offsetRowLabel,
  offsetRowSectors,
  valueRowPosition,
} from '@/lib/viz/heatmap';
import { formatDuration } from '@/lib/viz/format';

describe('colour scale', () => {
  it('is logarithmic in count, 0..1', () => {
    expect(logScale(0, 100)).toBe(0);
    expect(logScale(100, 100)).toBe(1);
    expect(logScale(1000, 100)).toBe(1);
    // 10 of 10,000 is far from invisible on a log scale (linear would be 0.001)
    expect(logScale(10, 10_000)).toBeGreaterThan(0.25);
    expect(logScale(9, 99)).toBeCloseTo(0.5, 5);
    expect(logScale(5, 0)).toBe(0);
  });

  it('maps counts to palette colours, zero to the empty colour', () => {
    expect(heatColor(0, 10)).toBe(EMPTY_CELL);
    expect(heatColorAt(0)).toBe('rgb(255, 247, 188)');
    expect(heatColorAt(1)).toBe('rgb(103, 0, 13)');
    expect(heatColor(10, 10)).toBe('rgb(103, 0, 13)');
    expect(heatColor(1, 10_000)).not.toBe(EMPTY_CELL);
    expect(heatColor(1, 10_000)).not.toBe(heatColor(100, 10_000));
  });
});

describe('bucket labels', () => {
  it('shows log2 latency buckets with units, scaled to readable units', () => {
    expect(latencyBucketLabel({ min: 64, max: 127, count: 1 }, 'us')).toBe('[64 µs, 128 µs)');
    expect(latencyBucketLabel({ min: 1024, max: 2047, count: 1 }, 'us')).toBe('[1.02 ms, 2.05 ms)');
    expect(latencyBucketLabel({ min: 0, max: 0, count: 1 }, 'us')).toBe('0 µs');
    expect(latencyBucketLabel({ min: 1, max: 1, count: 1 }, 'ns')).toBe('1 ns');
    expect(latencyBucketLabel({ max: -1, count: 1 }, 'us')).toBe('< 0 µs');
    expect(latencyBucketLabel({ min: 1048576, count: 1 }, 'us')).toBe('>= 1.05 s');
    expect(latencyAxisLabel({ min: 512, max: 1023, count: 0 }, 'ns')).toBe('512 ns');
  });

  it('formats durations in the largest unit >= 1', () => {
    expect(formatDuration(96, 'us')).toBe('96 µs');
    expect(formatDuration(2048, 'us')).toBe('2.05 ms');
    expect(formatDuration(1500, 'ns')).toBe('1.5 µs');
    expect(formatDuration(0.5, 'ms')).toBe('500 µs');
    expect(formatDuration(12_345, 'ms')).toBe('12.3 s');
  });

  it('labels disk offset rows in bytes and sectors', () => {
    expect(offsetRowLabel(0, 8, 0)).toBe('[0 B, 4.00 KiB)');
    expect(offsetRowLabel(2048, 2048, 1)).toBe('[2.00 MiB, 3.00 MiB)');
    expect(offsetRowSectors(2048, 2048, 1)).toBe('sectors 4,096–6,143');
  });
});

describe('latency grid', () => {
  const result: Pick<LatencyHeatmapResult, 'columns' | 'total'> = {
    columns: [
      {
        tSec: 1,
        count: 5,
        buckets: [
          { min: 4, max: 7, count: 2 },
          { min: 8, max: 15, count: 3 },
        ],
      },
      { tSec: 2, count: 0, buckets: [] },
      { tSec: 3, count: 4, buckets: [{ min: 16, max: 31, count: 4 }] },
    ],
    total: [
      { min: 4, max: 7, count: 2 },
      { min: 8, max: 15, count: 3 },
      { min: 16, max: 31, count: 4 },
    ],
  };

  it('has one row per bucket, lowest first, and counts per (second, bucket)', () => {
    const g = buildLatencyGrid(result);
    expect(g.rows.map((b) => b.min)).toEqual([4, 8, 16]);
    expect(g.nCols).toBe(3);
    expect(g.max).toBe(4);
    expect(g.nonZero).toBe(3);
    expect([...g.counts]).toEqual([2, 3, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('adds a row for a column bucket missing from the total, and puts below-range first', () => {
    const g = buildLatencyGrid({
      columns: [
        {
          tSec: 1,
          count: 2,
          buckets: [
            { max: -1, count: 1 },
            { min: 64, count: 1 },
          ],
        },
      ],
      total: [{ min: 4, max: 7, count: 0 }],
    });
    expect(g.rows.map((b) => [b.min, b.max])).toEqual([
      [undefined, -1],
      [4, 7],
      [64, undefined],
    ]);
  });

  it('places percentile values inside their row on a log scale', () => {
    const rows = buildLatencyGrid(result).rows;
    expect(valueRowPosition(rows, 4)).toBe(0);
    expect(valueRowPosition(rows, 8)).toBe(1);
    expect(valueRowPosition(rows, 12)).toBeCloseTo(1 + Math.log2(1.5), 6);
    expect(valueRowPosition(rows, 32)).toBe(3);
    expect(valueRowPosition(rows, 1000)).toBe(-1);
  });

  it('counts non-empty cells of an offset grid', () => {
    expect(gridStats([[0, 1], [5, 0], []])).toEqual({ max: 5, nonZero: 2 });
  });

  it('spaces axis ticks by 1, 2, 5 x 10^k', () => {
    expect(axisTicks(60, 6)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(axisTicks(5, 6)).toEqual([0, 1, 2, 3, 4]);
    expect(axisTicks(30, 8)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(axisTicks(0)).toEqual([]);
  });
});
