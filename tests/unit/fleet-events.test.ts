/**
 * Fleet event tables and cachestat lines (lib/fleet/views/events.ts, cachestat.ts) on real captures of
 * four fleet hosts run at once. The test fleet shares one kernel, so every host saw every exec and open
 * of the machine: exactly the case folding identical rows is for (clubak).
 */
import { describe, expect, it } from 'vitest';
import { FOLD_EVENTS_KEY, FOLD_HOSTS_KEY, FOLD_NODESET_KEY, foldColumnsDefault, foldRows, HOST_KEY, mergeEvents } from '@/lib/fleet/views/events';
import { fleetCacheSeries } from '@/lib/fleet/views/cachestat';
import { fleetEventsCsv, fleetEventsJson, fleetExport, fleetFormatsFor } from '@/lib/fleet/views/exports';
import type { EventTableResult, TimeSeriesResult } from '@/lib/tools/types';
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
  const m = mergeEvents(fleetFixtures<EventTableResult>('tcplife'));
  it('CSV: Host first, one line per row; host text is a plain field (formula characters guarded)', () => {
    const csv = fleetEventsCsv(m);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0].split(',')[0]).toBe('Host');
    expect(lines).toHaveLength(m.rows.length + 1);
    expect(lines[1].startsWith('fleet11,')).toBe(true);
    const hostile = fleetEventsCsv({ ...m, rows: [{ ...m.rows[0], [HOST_KEY]: '=HYPERLINK("x")' }] });
    expect(hostile.split('\r\n')[1].startsWith(`"'=HYPERLINK(""x"")"`)).toBe(true);
  });
  it('JSON: rows with their host, the counts per host', () => {
    const j = JSON.parse(fleetEventsJson(m, { toolId: 'tcplife' }));
    expect(j.rows).toHaveLength(m.rows.length);
    expect(j.rows[0].host).toBe('fleet11');
    expect(j.perHost).toHaveLength(4);
    expect(j.eventsSeen).toBe(m.eventsSeen);
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
  it('offers by kind; folded with the host first; latency and cachestat CSV one line per host (and second)', () => {
    expect(fleetFormatsFor('profile')).toEqual(['folded', 'pprof']);
    expect(fleetFormatsFor('connections')).toEqual(['csv', 'json']);
    expect(fleetFormatsFor(null)).toEqual([]);
    const prof = fleetFixtures('profile');
    const folded = String(fleetExport(prof, 'folded', { toolId: 'profile' })!.body);
    expect(
      folded
        .split('\n')
        .filter(Boolean)
        .every((l) => /^fleet(11|12|21|31);/.test(l)),
    ).toBe(true);
    expect(String(fleetExport(prof, 'folded', { toolId: 'profile' }, { hostPrefix: false })!.body)).not.toMatch(/^fleet11;/m);
    expect(fleetExport(prof, 'csv', { toolId: 'profile' })).toBeNull();
    const lat = String(fleetExport(fleetFixtures('runqlat'), 'csv', { toolId: 'runqlat' })!.body)
      .trimEnd()
      .split('\r\n');
    expect(lat[0]).toBe('host,count,p50_us,p90_us,p99_us,outlier');
    expect(lat.find((l) => l.startsWith('fleet31,'))!.endsWith(',yes')).toBe(true);
    expect(lat.at(-1)!.startsWith('(fleet),')).toBe(true);
    const cs = fleetFixtures<TimeSeriesResult>('cachestat');
    const cache = String(fleetExport(cs, 'csv', { toolId: 'cachestat' })!.body)
      .trimEnd()
      .split('\r\n');
    expect(cache).toHaveLength(1 + cs.reduce((a, h) => a + h.result!.points.length, 0));
  });
});
