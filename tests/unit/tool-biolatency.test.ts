/**
 * biolatency parser: golden tests on real captures from bpftrace 0.17 and 0.23 (tests/fixtures/biolatency,
 * see CAPTURE.md for the workload and the figures checked here), and hostile input.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { biolatencyTool } from '@/lib/tools/biolatency';
import { createBiolatencyParser } from '@/lib/tools/biolatency/parse';
import { totalCount } from '@/lib/tools/histogram';
import type { LatencyHeatmapResult } from '@/lib/tools/types';

const FIXTURES = path.resolve(__dirname, '../fixtures/biolatency');
const raw = (v: string) => readFileSync(path.join(FIXTURES, v, 'biolatency.jsonl'));

function parse(input: Buffer | string): LatencyHeatmapResult {
  const p = createBiolatencyParser();
  for (const r of decodeAll(input)) p.push(r);
  return p.finish();
}

function parseRecords(recs: BtRecord[]): LatencyHeatmapResult {
  const p = createBiolatencyParser();
  for (const r of recs) p.push(r);
  return p.finish();
}

/** the invariants every result keeps, whatever the input */
function checkConsistent(r: LatencyHeatmapResult) {
  expect(r.kind).toBe('latency-heatmap');
  expect(r.unit).toBe('us');
  expect(totalCount(r.total)).toBe(r.count);
  expect(r.columns.reduce((s, c) => s + c.count, 0)).toBe(r.count);
  for (const c of r.columns) expect(totalCount(c.buckets)).toBe(c.count);
}

describe('biolatency on real captures', () => {
  it('0.17.0: one column per tick plus the exit column; every latency the kernel counted arrived', () => {
    const r = parse(raw('0.17.0'));
    checkConsistent(r);
    expect(r.columns.map((c) => c.tSec)).toEqual([1.001140315, 2.001150701, 3.001157061, 4.001150973, 4.920808908]);
    expect(r.columns.map((c) => c.count)).toEqual([6, 513, 5, 3, 10]);
    expect(r.count).toBe(537);
    expect(r.countedInKernel).toBe(537);
    expect(r.lostInSwitch).toBe(0);
    expect(r.unmatched).toBe(0);
    expect(r.unfinished).toBe(0);
    expect(r.total).toEqual([
      { min: 16, max: 31, count: 118 },
      { min: 32, max: 63, count: 388 },
      { min: 64, max: 127, count: 11 },
      { min: 128, max: 255, count: 8 },
      { min: 256, max: 511, count: 12 },
    ]);
    // p50: rank 268.5 = 118 + 150.5 of 388 in [32, 64)
    expect(r.p50).toBeCloseTo(32 + (150.5 / 388) * 32, 9);
    expect(r.p90).toBeCloseTo(62.1278, 3);
    expect(r.p99).toBeCloseTo(397.44, 3);
    expect(r.stats).toEqual({ records: 14, lostEvents: 0, malformedLines: 0, helperErrors: 0 });
    expect(r.unparsedRecords).toBe(0);
  });

  it('0.23.2: the same protocol; seconds without I/O are empty columns', () => {
    const r = parse(raw('0.23.2'));
    checkConsistent(r);
    expect(r.columns.map((c) => c.count)).toEqual([1, 512, 6, 1, 0, 0]);
    expect(r.columns[5].tSec).toBe(5.082311159);
    expect(r.count).toBe(520);
    expect(r.countedInKernel).toBe(520);
    expect(r.lostInSwitch).toBe(0);
    expect(r.unfinished).toBe(0);
    expect(r.total[0]).toEqual({ min: 16, max: 31, count: 23 });
    expect(r.total[r.total.length - 1]).toEqual({ min: 512, max: 1023, count: 2 });
    expect(r.p50).toBeCloseTo(47.9663, 3);
    expect(r.p90).toBeCloseTo(61.9789, 3);
    expect(r.p99).toBeCloseTo(185.6, 3);
    expect(r.stats.lostEvents).toBe(0);
    expect(r.unparsedRecords).toBe(0);
  });

  it('the 512 workload I/Os (256 writes + 256 reads, all within ~30 ms) sit in one column on both versions', () => {
    for (const v of ['0.17.0', '0.23.2']) {
      const r = parse(raw(v));
      expect(Math.max(...r.columns.map((c) => c.count))).toBeGreaterThanOrEqual(512);
      expect(r.count).toBeGreaterThanOrEqual(512);
    }
  });

  it('snapshot() mid-stream is a consistent partial result', () => {
    const recs = decodeAll(raw('0.17.0'));
    const p = createBiolatencyParser();
    for (const r of recs.slice(0, 5)) p.push(r);
    const s = p.snapshot();
    checkConsistent(s);
    expect(s.count).toBe(519);
    expect(s.countedInKernel).toBeNull();
    expect(s.unfinished).toBeNull();
  });

  it('the catalog entry runs the tracepoint script with this parser', () => {
    expect(biolatencyTool.id).toBe('biolatency');
    expect(biolatencyTool.viz).toBe('latency-heatmap');
    expect(biolatencyTool.variants.map((v) => v.file)).toEqual(['biolatency.bt']);
    expect(biolatencyTool.variants[0].tracepoints).toEqual(['block:block_rq_issue', 'block:block_rq_complete']);
    const p = biolatencyTool.createParser();
    for (const r of decodeAll(raw('0.23.2'))) p.push(r);
    expect((p.finish() as LatencyHeatmapResult).count).toBe(520);
  });
});

describe('biolatency on hostile input', () => {
  it('an empty capture gives an empty result', () => {
    const r = parse('');
    checkConsistent(r);
    expect(r.columns).toEqual([]);
    expect(r.count).toBe(0);
    expect([r.p50, r.p90, r.p99]).toEqual([null, null, null]);
    expect(r.countedInKernel).toBeNull();
  });

  it('truncated capture (killed mid-line): what arrived is kept, the torn line is counted', () => {
    const text = raw('0.17.0').toString('utf8');
    // cut inside the second histogram (the one holding the workload)
    const cut = text.slice(0, text.indexOf('"count": 384') + 5);
    const r = parse(cut);
    checkConsistent(r);
    expect(r.columns.map((c) => c.count)).toEqual([6, 0]);
    expect(r.stats.malformedLines).toBe(1);
    expect(r.countedInKernel).toBeNull();
  });

  it('invalid JSON, odd bytes, very long lines and foreign records are counted, never thrown', () => {
    const lines = [
      '{"type": "attached_probes", "data": {"probes": 4}}',
      '{"type": "printf", "data": "tick\\u001f1000000000\\n"}',
      '{"type": "hist", "data": {"@usecs_a": [{"min": 4, "max": 7, "count": 3}]}}',
      '{"type": "hist", "data": {"@usecs_a": [{"min": 4, "max": 7, "count": "x"}]}}',
      'not json at all',
      '{"type": "printf", "data": "tick\\u001f\\uffffffff\\n"}',
      '\u0000\u00ff\ufffd{{{',
      `{"type": "printf", "data": "${'A'.repeat(200_000)}"}`,
      '{"type": "hist", "data": {"@other": [{"min": 1, "max": 1, "count": 5}]}}',
      '{"type": "hist", "data": {"@usecs_b": {"k": [{"min": 1, "max": 1, "count": 5}]}}}',
      '{"type": "map", "data": {"@ios": "many"}}',
      '{"type": "lost_events", "data": {"events": 7}}',
      '{"type": "helper_error", "helper": "map_update_elem", "retcode": -17}',
      '{"type": "printf", "data": "end\\u001f1500000000\\n"}',
      '{"type": "map", "data": {"@ios": 4}}',
    ];
    const r = parse(lines.join('\n'));
    checkConsistent(r);
    expect(r.count).toBe(3);
    expect(r.columns.map((c) => [c.tSec, c.count])).toEqual([
      [1, 3],
      [1.5, 0],
    ]);
    expect(r.countedInKernel).toBe(4);
    expect(r.lostInSwitch).toBe(1);
    expect(r.stats.malformedLines).toBe(2);
    expect(r.stats.lostEvents).toBe(7);
    expect(r.stats.helperErrors).toBe(1);
    // bad hist counts (unknown record), bad tick, the long printf, @other, keyed @usecs_b, string @ios
    expect(r.unparsedRecords).toBe(6);
  });

  it('synthetic records of the wrong shape do not throw', () => {
    const r = parseRecords([
      { type: 'hist', name: '@usecs_a', keyed: false, buckets: [] },
      {
        type: 'hist',
        name: '@usecs_a',
        keyed: false,
        buckets: [
          { max: -1, count: 2 },
          { min: 0, max: 0, count: 1 },
        ],
      },
      { type: 'map', name: '@start', keyed: true, entries: [['x', 'y']] },
      { type: 'value', value: 3 },
      { type: 'unknown', rawType: 'x', raw: {} },
    ]);
    checkConsistent(r);
    expect(r.count).toBe(3);
    expect(r.unfinished).toBe(1);
    expect(r.p50).toBe(-1);
  });
});
