import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { cachestatTool } from '@/lib/tools/cachestat';
import { CACHESTAT_METHODS, createCachestatParser, intervalCounts, parseTick, type CachestatResult } from '@/lib/tools/cachestat/parse';

const FIXTURES = path.resolve(__dirname, '../fixtures/cachestat');
const fixture = (v: string, name = 'cachestat') => readFileSync(path.join(FIXTURES, v, `${name}.jsonl`));

function run(recs: BtRecord[]): CachestatResult {
  const p = createCachestatParser();
  for (const r of recs) p.push(r);
  return p.finish();
}

const tick = (variant: string, elapsedNs: number, ...n: number[]): BtRecord => ({
  type: 'printf',
  text: ['cachestat', variant, elapsedNs, ...n].join('\x1f') + '\n',
});

/** the fixture's workload: 32 MiB written, evicted, read cold, read warm (tests/fixtures/cachestat/CAPTURE.md) */
const FILE_PAGES = 8192;

describe('cachestat golden captures', () => {
  it('0.17 (fleet11): the write is not a miss, the cold read is 8192 misses, the warm read hits', () => {
    const res = run(decodeAll(fixture('0.17.0')));
    expect(res.variant).toBe('tp');
    expect(res.method).toBe(CACHESTAT_METHODS.tp);
    expect(res.points).toHaveLength(10);
    expect(res.unparsedRecords).toBe(0);
    expect(res.stats).toEqual({ records: 11, lostEvents: 0, malformedLines: 0, helperErrors: 0 });
    const at = (t: number) => res.intervals.find((p) => Math.abs(p.tSec - t) < 0.01)!;
    const pointAt = (t: number) => res.points.find((p) => Math.abs(p.tSec - t) < 0.01)!;
    // 2.24 s: the write inserted 8192 pages and dirtied each right away: no miss
    expect(at(2.24).misses).toBe(0);
    // 5.24 s: cold read, 8192 pages inserted; 8215 pages read in that second (23 by others)
    expect(at(5.24)).toMatchObject({ misses: FILE_PAGES, hits: 23, accesses: 8215 });
    expect(pointAt(5.24).missesPerSec).toBeCloseTo(FILE_PAGES / at(5.24).dtSec, 6);
    expect(pointAt(5.24).hitRatioPct).toBeCloseTo((100 * 23) / (23 + 8192), 6);
    // 7.24 s: warm read: the file's pages hit, nothing inserted
    expect(at(7.24)).toMatchObject({ hits: 9558, misses: 0 });
    // a second with no access at all has no ratio
    expect(pointAt(6.24).hitRatioPct).toBeNull();
    // the last point is the partial second up to SIGINT (END's line)
    expect(res.points.at(-1)!.tSec).toBeCloseTo(10.22, 2);
    expect(res.totals.misses).toBe(8194);
  });

  it('0.23 (fleet21): same shape', () => {
    const res = run(decodeAll(fixture('0.23.2')));
    expect(res.variant).toBe('tp');
    expect(res.points).toHaveLength(9);
    expect(res.unparsedRecords).toBe(0);
    const cold = res.points.reduce((a, b) => (b.missesPerSec > a.missesPerSec ? b : a));
    expect(cold.tSec).toBeCloseTo(4.0, 2);
    expect(cold.missesPerSec).toBeCloseTo(8195, 2);
    expect(res.intervals.find((p) => Math.abs(p.tSec - 4) < 0.01)!.misses).toBe(8195);
    expect(res.intervals.find((p) => Math.abs(p.tSec - 6) < 0.01)!.hits).toBe(11616);
  });

  it('the kprobe variant compiles but cannot attach here: no points, an honest "unknown" method', () => {
    for (const v of ['0.17.0', '0.23.2']) {
      const res = run(decodeAll(fixture(v, 'cachestat.kprobe')));
      expect(res.points).toEqual([]);
      expect(res.variant).toBeNull();
      expect(res.method).toBe(CACHESTAT_METHODS.unknown);
      expect(readFileSync(path.join(FIXTURES, v, 'cachestat.kprobe.rc'), 'utf8').trim()).toBe('255');
    }
  });
});

describe('cachestat arithmetic', () => {
  it('tracepoint variant: short reads are taken off, write-created pages are not misses', () => {
    const c = intervalCounts('tp', {
      readPages: 1000,
      readPagesShort: 100,
      faultPages: 50,
      addedPages: 400,
      writeAddedPages: 300,
      dirtiedFolios: 7,
    });
    expect(c).toEqual({ accesses: 950, misses: 100, hits: 850, dirties: 7 });
    // readahead ahead of the reads: more misses than accesses in a second gives 0 hits, not negative
    expect(intervalCounts('tp', { readPages: 10, addedPages: 64 }).hits).toBe(0);
  });

  it("kprobe variant: bcc's formula, negative hits mean every access missed", () => {
    expect(intervalCounts('kp', { mpa: 1000, apcl: 300, apd: 100, mbd: 50 })).toEqual({ accesses: 950, misses: 200, hits: 750, dirties: 100 });
    expect(intervalCounts('kp', { mpa: 10, apcl: 300, apd: 0, mbd: 0 })).toEqual({ accesses: 10, misses: 10, hits: 0, dirties: 0 });
  });

  it('rates are counts over the interval length; a lost line merges two seconds', () => {
    const res = run([tick('tp', 1e9, 100, 0, 0, 10, 0, 1), tick('tp', 3e9, 500, 0, 0, 10, 0, 5), tick('tp', 3.5e9, 600, 0, 0, 20, 0, 5)]);
    expect(res.points.map((p) => [p.tSec, p.hitsPerSec, p.missesPerSec, p.dirtiesPerSec])).toEqual([
      [1, 90, 10, 1],
      [3, 200, 0, 2],
      [3.5, 180, 20, 0],
    ]);
    expect(res.totals).toEqual({ accesses: 600, hits: 580, misses: 20, dirties: 5 });
  });

  it('parseTick', () => {
    expect(parseTick('cachestat\x1fkp\x1f5\x1f1\x1f2\x1f3\x1f4\n')).toEqual({ variant: 'kp', elapsedNs: 5, totals: { mpa: 1, apcl: 2, apd: 3, mbd: 4 } });
    expect(parseTick('cachestat\x1ftp\x1f5\x1f1\x1f2\x1f3\x1f4\n')).toBeNull(); // too few fields for tp
    expect(parseTick('cachestat\x1fxx\x1f5\x1f1\x1f2\x1f3\x1f4')).toBeNull();
    expect(parseTick('cachestat\x1fkp\x1f5\x1f1\x1f-2\x1f3\x1f4')).toBeNull();
    expect(parseTick('cachestat\x1fkp\x1f5\x1f1\x1f99999999999999999999\x1f3\x1f4')).toBeNull();
  });
});

describe('cachestat hostile input', () => {
  it('empty capture', () => {
    const res = run(decodeAll(''));
    expect(res.points).toEqual([]);
    expect(res.stats.records).toBe(0);
  });

  it('truncated, invalid, very long and odd lines are counted, never thrown', () => {
    const good = fixture('0.23.2').toString('utf8').split('\n');
    const text = [
      good[0],
      good[1].slice(0, 30), // truncated
      '{"type": "printf", "data": "cachestat\\u001ftp\\u001fabc"}',
      'not json at all \u00ff\u0000',
      `{"type": "printf", "data": "${'x'.repeat(200_000)}"}`,
      '{"type": "printf", "data": "cachestat\\u001ftp\\u001f1\\u001f\\uffffffc3\\u001f1\\u001f1\\u001f1\\u001f1\\u001f1\\n"}',
      '{"type": "map", "data": {"@stray": 5}}',
      '{"type": "lost_events", "data": {"events": 7}}',
      good[2],
    ].join('\n');
    const res = run(decodeAll(text));
    expect(res.stats.malformedLines).toBe(2);
    expect(res.stats.lostEvents).toBe(7);
    expect(res.unparsedRecords).toBe(4);
    expect(res.points).toHaveLength(1);
  });

  it('a line of the other variant is not mixed in', () => {
    const res = run([tick('tp', 1e9, 1, 0, 0, 0, 0, 0), tick('kp', 2e9, 1, 2, 3, 4)]);
    expect(res.points).toHaveLength(1);
    expect(res.unparsedRecords).toBe(1);
  });

  it('points are capped, the rest counted', () => {
    const p = createCachestatParser({ maxPoints: 3 });
    for (let i = 1; i <= 10; i++) p.push(tick('tp', i * 1e9, i, 0, 0, 0, 0, 0));
    const res = p.finish();
    expect(res.points).toHaveLength(3);
    expect(res.pointsDropped).toBe(7);
    expect(res.totals.accesses).toBe(10);
  });
});

describe('cachestat catalog entry', () => {
  it('tracepoint variant first, kprobe (upstream) after; every tracepoint the script uses is declared', () => {
    expect(cachestatTool.variants.map((v) => v.file)).toEqual(['cachestat.bt', 'cachestat.kprobe.bt']);
    for (const v of cachestatTool.variants) {
      const script = readFileSync(path.resolve(__dirname, '../../bpftrace-tools', v.file), 'utf8');
      const used = [...script.matchAll(/^tracepoint:(\w+:\w+)/gm)].map((m) => m[1]);
      expect(new Set(v.tracepoints)).toEqual(new Set(used));
      const kprobes = [...script.matchAll(/^kprobe:(\w+)/gm)].map((m) => m[1]);
      expect(v.functions ?? []).toEqual(kprobes);
      if (kprobes.length) expect(v.requires).toContain('kprobe');
    }
  });
});
