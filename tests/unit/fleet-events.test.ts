/**
 * Fleet event tables and cachestat lines (lib/fleet/views/events.ts, cachestat.ts) on real captures of
 * four fleet hosts run at once. The test fleet shares one kernel, so every host saw every exec and open
 * of the machine: exactly the case folding identical rows is for (clubak).
 */
import { describe, expect, it } from 'vitest';
import { FOLD_EVENTS_KEY, FOLD_HOSTS_KEY, FOLD_NODESET_KEY, foldColumnsDefault, foldRows, HOST_KEY, mergeEvents } from '@/lib/fleet/views/events';
import { fleetCacheSeries } from '@/lib/fleet/views/cachestat';
import { fleetExport } from '@/lib/fleet/views/exports';
import { fleetFormatsFor } from '@/lib/fleet/views/formats';
import { foldedLines } from '@/lib/export/folded';
import type { EventTableResult, LatencyHeatmapResult, ProfileResult, TimeSeriesResult } from '@/lib/tools/types';
import { captureFacts, fleetFixtures } from './fleet-fixtures';

const marker = captureFacts().steps.find((s) => s.tool.includes('execsnoop'))!.marker as string;

describe('event tables with a host column', () => {
  for (const tool of ['execsnoop', 'opensnoop', 'ext4slower', 'biosnoop', 'tcpretrans', 'tcplife']) {
    it(`${tool}: every host's rows, Host column first, counts summed`, () => {
      const hosts = fleetFixtures<EventTableResult>(tool);
      const m = mergeEvents(hosts);
      expect(m.columns[0].key).toBe(HOST_KEY);
      expect(m.columns.slice(1).map((c) => c.key)).toEqual(hosts[0].result!.columns.map((c) => c.key));
      expect(m.rows).toHaveLength(hosts.reduce((a, h) => a + h.result!.rows.length, 0));
      expect(m.eventsSeen).toBe(hosts.reduce((a, h) => a + h.result!.eventsSeen, 0));
      expect(m.perHost.map((p) => p.hostName)).toEqual(['fleet11', 'fleet12', 'fleet21', 'fleet31']);
      for (const h of hosts) expect(m.rows.filter((r) => r[HOST_KEY] === h.hostName)).toHaveLength(h.result!.rows.length);
      expect(hosts.every((h) => h.result!.rows.length > 0)).toBe(true);
    });
  }
});

describe('fold identical rows', () => {
  const hosts = fleetFixtures<EventTableResult>('execsnoop');
  const m = mergeEvents(hosts);

  it('compares what happened, not when or which pid', () => {
    expect(foldColumnsDefault(m.columns)).toEqual(['comm', 'path', 'args', 'ret', 'notes']);
    expect(foldColumnsDefault(fleetFixtures<EventTableResult>('opensnoop', ['fleet11'])[0].result!.columns)).toEqual([
      'comm',
      'path',
      'errno',
      'flags',
      'notes',
    ]);
  });

  it('execsnoop: the marker command run once seen by all four hosts folds into one row, hosts fleet[11-12,21,31]', () => {
    const f = foldRows(m, foldColumnsDefault(m.columns));
    const cat = f.rows.filter((r) => r.comm === 'cat' && String(r.args).includes(`nonexistent-${marker}`));
    expect(cat).toHaveLength(1);
    expect(cat[0][FOLD_HOSTS_KEY]).toBe(4);
    expect(cat[0][FOLD_NODESET_KEY]).toBe('fleet[11-12,21,31]');
    // four cat processes (one per marker command), each seen by four hosts
    expect(cat[0][FOLD_EVENTS_KEY]).toBe(16);
    expect(f.distinct).toBeLessThan(m.rows.length / 3);
    expect(f.rows.reduce((a, r) => a + (r[FOLD_EVENTS_KEY] as number), 0)).toBe(m.rows.length);
    // most hosts first
    for (let i = 1; i < f.rows.length; i++) expect(f.rows[i - 1][FOLD_HOSTS_KEY] as number).toBeGreaterThanOrEqual(f.rows[i][FOLD_HOSTS_KEY] as number);
  });

  it('a row one host lacks shows the other three; comparing on pid too splits rows apart', () => {
    const less = hosts.map((h) => (h.hostName === 'fleet21' ? { ...h, result: { ...h.result!, rows: h.result!.rows.filter((r) => r.comm !== 'cat') } } : h));
    const lm = mergeEvents(less);
    const cat = foldRows(lm, foldColumnsDefault(lm.columns)).rows.find((r) => r.comm === 'cat' && String(r.args).includes(`nonexistent-${marker}`))!;
    expect(cat[FOLD_NODESET_KEY]).toBe('fleet[11-12,31]');
    const withPid = foldRows(m, [...foldColumnsDefault(m.columns), 'pid']).rows.filter(
      (r) => r.comm === 'cat' && String(r.args).includes(`nonexistent-${marker}`),
    );
    expect(withPid).toHaveLength(4);
    expect(withPid.every((r) => r[FOLD_HOSTS_KEY] === 4)).toBe(true);
  });

  it('values that would collide as joined text stay apart; the host column is never compared; the cap is counted', () => {
    const cols = [{ key: 'a', label: 'A', type: 'string' as const }];
    const t = {
      columns: [{ key: HOST_KEY, label: 'Host', type: 'string' as const }, ...cols, { key: 'b', label: 'B', type: 'string' as const }],
      rows: [
        { [HOST_KEY]: 'h1', a: 'x\u0000y', b: 'z' },
        { [HOST_KEY]: 'h2', a: 'x', b: 'y\u0000z' },
      ],
      eventsSeen: 2,
      rowsDropped: 0,
      maxRows: 10,
      unparsedEvents: 0,
      stats: { records: 2, lostEvents: 0, malformedLines: 0, helperErrors: 0 },
    };
    expect(foldRows(t, ['a', 'b']).rows).toHaveLength(2);
    expect(foldRows(t, [HOST_KEY, 'a', 'b']).compared).toEqual(['a', 'b']);
    const capped = foldRows(m, foldColumnsDefault(m.columns), 5);
    expect(capped.rows).toHaveLength(5);
    expect(capped.rowsDropped).toBe(capped.distinct - 5);
  });
});

describe('exports with a host column', () => {
  const hosts = fleetFixtures<EventTableResult>('tcplife');
  it('CSV: host first, the header once, one line per row of every host', () => {
    const csv = String(fleetExport(hosts, 'csv', { toolId: 'tcplife' })!.body);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0].startsWith('host,Time,')).toBe(true);
    expect(lines).toHaveLength(1 + hosts.reduce((a, h) => a + h.result!.rows.length, 0));
    expect(lines[1].startsWith('fleet11,')).toBe(true);
    expect(lines.filter((l) => l.startsWith('fleet31,'))).toHaveLength(hosts[3].result!.rows.length);
  });
  it('JSON: each host with its result', () => {
    const j = JSON.parse(String(fleetExport(hosts, 'json', { toolId: 'tcplife' })!.body));
    expect(j.toolId).toBe('tcplife');
    expect(j.hosts.map((h: { host: string }) => h.host)).toEqual(['fleet11', 'fleet12', 'fleet21', 'fleet31']);
    expect(j.hosts[0].result.rows).toHaveLength(hosts[0].result!.rows.length);
  });
});

describe('cachestat: one line per host', () => {
  const hosts = fleetFixtures<TimeSeriesResult>('cachestat');
  it('each host’s points as a line of the measure; summaries per host', () => {
    const s = fleetCacheSeries(hosts, 'hitRatioPct');
    expect(s.hosts.map((h) => h.hostName)).toEqual(['fleet11', 'fleet12', 'fleet21', 'fleet31']);
    expect(s.series.map((x) => x.hostName)).toEqual(['fleet11', 'fleet12', 'fleet21', 'fleet31']);
    for (const [i, h] of hosts.entries()) {
      expect(s.series[i].points).toEqual(h.result!.points.map((p) => ({ tSec: p.tSec, value: p.hitRatioPct })));
      const hits = h.result!.points.reduce((a, p) => a + p.hitsPerSec, 0);
      const misses = h.result!.points.reduce((a, p) => a + p.missesPerSec, 0);
      expect(s.hosts[i].hitRatioPct).toBeCloseTo((100 * hits) / (hits + misses), 9);
    }
    expect(fleetCacheSeries(hosts, 'missesPerSec').series[0].points[0].value).toBe(hosts[0].result!.points[0].missesPerSec);
    // the 16 MiB cold read after its write: every host saw misses
    for (const h of s.hosts) expect(h.points).toBeGreaterThan(10);
  });
});

describe('fleetExport: one entry for every tool', () => {
  it('offers by kind; folded: each host’s full stacks with the host first; latency CSV: buckets per host and second', () => {
    expect(fleetFormatsFor('profile')).toEqual(['folded', 'pprof', 'json']);
    expect(fleetFormatsFor('connections')).toEqual(['csv', 'json']);
    expect(fleetFormatsFor(null)).toEqual([]);
    const prof = fleetFixtures<ProfileResult>('profile');
    const folded = String(fleetExport(prof, 'folded', { toolId: 'profile' })!.body)
      .split('\n')
      .filter(Boolean);
    for (const h of prof) {
      const mine = folded.filter((l) => l.startsWith(`${h.hostName};`)).map((l) => l.slice(h.hostName.length + 1));
      expect(mine.sort()).toEqual([...foldedLines(h.result!)].sort());
    }
    expect(fleetExport(prof, 'csv', { toolId: 'profile' })).toBeNull();
    const pprof = fleetExport(prof, 'pprof', { toolId: 'profile' })!;
    expect(pprof.extension).toBe('pb.gz');
    expect((pprof.body as Uint8Array)[0]).toBe(0x1f);
    const rq = fleetFixtures<LatencyHeatmapResult>('runqlat');
    const lat = String(fleetExport(rq, 'csv', { toolId: 'runqlat' })!.body)
      .trimEnd()
      .split('\n');
    expect(lat[0]).toBe('host,t_sec,bucket_min_us,bucket_max_us,count');
    const buckets = rq.reduce((a, h) => a + h.result!.columns.reduce((b, c) => b + c.buckets.length, 0), 0);
    expect(lat).toHaveLength(1 + buckets);
    const cs = fleetFixtures<TimeSeriesResult>('cachestat');
    const cache = String(fleetExport(cs, 'csv', { toolId: 'cachestat' })!.body)
      .trimEnd()
      .split('\n');
    expect(cache).toHaveLength(1 + cs.reduce((a, h) => a + h.result!.points.length, 0));
  });
});
