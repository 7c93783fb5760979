/**
 * Fleet views (lib/fleet/views) on real per-host results of four fleet hosts (tests/fixtures/fleet,
 * CAPTURE.md says how they were made), plus the edge cases a real capture does not hold.
 */
import { describe, expect, it } from 'vitest';
import { foldedLines } from '@/lib/export/folded';
import { pprofProfile } from '@/lib/export/pprof';
import { filterHosts, hostsWithout, nodeSet, type FleetHostInput } from '@/lib/fleet/views/hosts';
import { frameShares, functionShares, mergeFlame, mergedProfile } from '@/lib/fleet/views/flame';
import { alignLatencyRows, latencyOverview } from '@/lib/fleet/views/latency';
import { buildLatencyGrid } from '@/lib/viz/heatmap';
import { pruneTree } from '@/lib/tools/profile/parse';
import type { LatencyHeatmapResult, ProfileResult, StackNode } from '@/lib/tools/types';
import { captureFacts, fleetFixtures } from './fleet-fixtures';

const BUSY = 'bpfdeck_busy_loop';

/** inclusive samples of every node named `name` (outermost occurrences) */
function samplesOf(root: StackNode, name: string): number {
  let total = 0;
  const stack: StackNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.name === name) total += n.value;
    else stack.push(...n.children);
  }
  return total;
}

/** the call path from below the root to the first node named `name` */
function pathTo(root: StackNode, name: string): Array<{ name: string; kind: StackNode['kind'] }> | null {
  const walk = (n: StackNode, path: Array<{ name: string; kind: StackNode['kind'] }>): typeof path | null => {
    for (const c of n.children) {
      const p = [...path, { name: c.name, kind: c.kind }];
      if (c.name === name) return p;
      const r = walk(c, p);
      if (r) return r;
    }
    return null;
  };
  return walk(root, []);
}

describe('host filter and node sets', () => {
  const hosts = fleetFixtures('runqlat');
  it('one host, a tag selector, a name glob, an address; a bad selector keeps all and says why', () => {
    expect(filterHosts(hosts, { kind: 'host', hostId: hosts[2].hostId }).hosts.map((h) => h.hostName)).toEqual(['fleet21']);
    expect(filterHosts(hosts, { kind: 'selector', selector: 'role=db' }).hosts.map((h) => h.hostName)).toEqual(['fleet21', 'fleet31']);
    expect(filterHosts(hosts, { kind: 'selector', selector: 'role=web,az=b' }).hosts.map((h) => h.hostName)).toEqual(['fleet12']);
    expect(filterHosts(hosts, { kind: 'selector', selector: 'name=fleet1*' }).hosts.map((h) => h.hostName)).toEqual(['fleet11', 'fleet12']);
    expect(filterHosts(hosts, { kind: 'selector', selector: 'address=127.0.0.31' }).hosts.map((h) => h.hostName)).toEqual(['fleet31']);
    const bad = filterHosts(hosts, { kind: 'selector', selector: 'role=[web]' });
    expect(bad.hosts).toHaveLength(4);
    expect(bad.error).toMatch(/term 1/);
  });
  it('node sets fold numeric suffixes into ranges, as clubak prints them', () => {
    expect(nodeSet(['fleet12', 'fleet11', 'fleet13', 'fleet31', 'web', 'fleet11'])).toBe('fleet[11-13,31],web');
    expect(nodeSet(['db01', 'db02', 'db1'])).toBe('db[1,01-02]');
    expect(nodeSet(['a7'])).toBe('a7');
    expect(nodeSet([])).toBe('');
  });
  it('hosts without a usable result are listed with their status and error', () => {
    const failed: FleetHostInput = {
      ...hosts[0],
      hostId: 'x',
      hostName: 'fleet14',
      status: 'failed',
      errorMessage: 'sudo: a password is required',
      result: null,
    };
    expect(hostsWithout([...hosts, failed], ['latency-heatmap'])).toEqual([{ hostId: 'x', hostName: 'fleet14', why: 'failed: sudo: a password is required' }]);
  });
});

describe('merged flame graph (profile on four hosts, a different number of busy loops on each)', () => {
  const hosts = fleetFixtures<ProfileResult>('profile');
  const busyLoops = captureFacts().steps.find((s) => s.tool === 'profile')!.busyLoopsDuringRun as Record<string, number>;

  it('sums every host’s samples; the busy function’s samples are the sum of the hosts’', () => {
    const m = mergeFlame(hosts);
    const perHost = hosts.map((h) => h.result!.root.value);
    expect(m.samples).toBe(perHost.reduce((a, b) => a + b, 0));
    expect(m.root.value).toBe(m.samples);
    const busyPerHost = hosts.map((h) => samplesOf(h.result!.root, BUSY));
    expect(samplesOf(m.root, BUSY)).toBe(busyPerHost.reduce((a, b) => a + b, 0));
    // ground truth of the capture: the host without a busy loop has none of it, the others some
    for (const [i, h] of hosts.entries()) {
      if (busyLoops[h.hostName] === 0) expect(busyPerHost[i], h.hostName).toBe(0);
      else expect(busyPerHost[i], h.hostName).toBeGreaterThan(100);
    }
  });

  it('clicking the busy function gives its share per host: every host that ran busy loops, busiest first, the idle host 0', () => {
    const s = functionShares(hosts, BUSY);
    expect(s.value).toBe(hosts.reduce((a, h) => a + samplesOf(h.result!.root, BUSY), 0));
    expect(s.hosts.reduce((a, r) => a + r.shareOfFrame, 0)).toBeCloseTo(1, 9);
    expect(
      s.hosts
        .filter((r) => r.samples > 0)
        .map((r) => r.hostName)
        .sort(),
    ).toEqual(hosts.filter((h) => busyLoops[h.hostName] > 0).map((h) => h.hostName));
    expect(s.hosts[s.hosts.length - 1].samples).toBe(0);
    for (let i = 1; i < s.hosts.length; i++) expect(s.hosts[i - 1].value).toBeGreaterThanOrEqual(s.hosts[i].value);
  });

  it('fleet21 (bpftrace 0.23 in a chroot) cannot symbolise the host libc: its call path to the busy function differs', () => {
    const f21 = hosts.find((h) => h.hostName === 'fleet21')!;
    const p = pathTo(f21.result!.root, BUSY)!;
    expect(p[1].name).toMatch(/^0x[0-9a-f]+$/);
    const f11 = hosts.find((h) => h.hostName === 'fleet11')!;
    expect(pathTo(f11.result!.root, BUSY)!.map((x) => x.name)).toEqual(['bpfdeck-busy-lo', '__libc_start_call_main', 'main', BUSY]);
  });

  it('clicking the busy frame gives the share per host of that call path: shares add up to 1, the merged frame is the hosts’ sum', () => {
    const m = mergeFlame(hosts);
    const path = pathTo(m.root, BUSY)!;
    expect(path[0].kind).toBe('process');
    const s = frameShares(hosts, path);
    expect(s.hosts).toHaveLength(4);
    expect(s.hosts.reduce((a, r) => a + r.shareOfFrame, 0)).toBeCloseTo(1, 9);
    // the merged frame's value is the sum of the hosts' samples on that path
    expect(s.value).toBe(s.hosts.reduce((a, r) => a + r.samples, 0));
    const node = path.reduce<StackNode>((n, st) => n.children.find((c) => c.name === st.name && c.kind === st.kind)!, m.root);
    expect(s.value).toBe(node.value);
    expect(s.hosts.find((r) => busyLoops[r.hostName] === 0)!.samples).toBe(0);
    for (let i = 1; i < s.hosts.length; i++) expect(s.hosts[i - 1].value).toBeGreaterThanOrEqual(s.hosts[i].value);
    for (const r of s.hosts) expect(r.shareOfHost).toBeCloseTo(r.samples / hosts.find((h) => h.hostId === r.hostId)!.result!.root.value, 12);
  });

  it('normalised per CPU: each host weighs 1/cpuCount; a host with more CPUs counts for less', () => {
    const eight = hosts.map((h) => (h.hostName === 'fleet21' ? { ...h, cpuCount: 8 } : h));
    const m = mergeFlame(eight, { normalize: 'per-cpu' });
    expect(m.unit).toBe('samples per CPU');
    const expected = eight.reduce((a, h) => a + h.result!.root.value / h.cpuCount!, 0);
    expect(m.root.value).toBeCloseTo(expected, 9);
    const raw = functionShares(eight, BUSY);
    const norm = functionShares(eight, BUSY, { normalize: 'per-cpu' });
    const share = (r: typeof raw, n: string) => r.hosts.find((x) => x.hostName === n)!.shareOfFrame;
    expect(share(norm, 'fleet21')).toBeLessThan(share(raw, 'fleet21'));
    // a host without a CPU count is weighed as one CPU and named
    const unknown = mergeFlame([{ ...hosts[0], cpuCount: null }], { normalize: 'per-cpu' });
    expect(unknown.cpuUnknown).toEqual(['fleet11']);
    expect(unknown.root.value).toBe(hosts[0].result!.root.value);
  });

  it('a host level keeps towers apart; a click on one tower still compares every host on the same path', () => {
    const m = mergeFlame(hosts, { groupByHost: true });
    expect(m.root.children.map((c) => c.name).sort()).toEqual(['fleet11', 'fleet12', 'fleet21', 'fleet31']);
    for (const c of m.root.children) expect(c.value).toBe(hosts.find((h) => h.hostName === c.name)!.result!.root.value);
    const tower = m.root.children.find((c) => c.name === 'fleet31')!;
    const p = pathTo(tower, BUSY)!;
    const s = frameShares(hosts, [{ name: 'fleet31', kind: 'process' }, ...p], { groupByHost: true });
    expect(s.path).toEqual(p);
    // the same path (host libc symbolised) on fleet11 and fleet31
    expect(s.hosts.filter((r) => r.samples > 0).map((r) => r.hostName)).toEqual(['fleet11', 'fleet31']);
  });

  it('the merged tree keeps the node cap (widest first) and stays consistent', () => {
    const m = mergeFlame(hosts, { maxNodes: 200 });
    expect(m.pruned).not.toBeNull();
    const check = (n: StackNode): number => {
      let c = 0;
      for (const k of n.children) {
        expect(k.value).toBeLessThanOrEqual(n.value);
        c += 1 + check(k);
      }
      return c;
    };
    expect(check(m.root) + 1).toBeLessThanOrEqual(200);
    expect(m.root.value).toBe(m.samples);
  });

  it('merged folded export: every host’s full stacks, counts add up; with the host prefix each line starts with its host', () => {
    const merged = mergedProfile(hosts);
    const total = (lines: string[]) => lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const lines = foldedLines(merged);
    expect(total(lines)).toBe(hosts.reduce((a, h) => a + h.result!.samplesInTree, 0));
    const prefixed = foldedLines(mergedProfile(hosts, { hostPrefix: true }));
    expect(total(prefixed)).toBe(total(lines));
    for (const l of prefixed) expect(l).toMatch(/^fleet(11|12|21|31);/);
    // per host, the prefixed lines hold exactly that host's own folded export
    for (const h of hosts) {
      const own = foldedLines(h.result!);
      const mine = prefixed.filter((l) => l.startsWith(`${h.hostName};`)).map((l) => l.slice(h.hostName.length + 1));
      expect(mine.sort()).toEqual([...own].sort());
    }
    const busy = prefixed.filter((l) => l.includes(`;${BUSY}`));
    expect(new Set(busy.map((l) => l.split(';')[0]))).toEqual(new Set(hosts.filter((h) => busyLoops[h.hostName] > 0).map((h) => h.hostName)));
  });

  it('merged pprof: the same samples as the folded file, one sample per distinct stack', () => {
    const merged = mergedProfile(hosts, { hostPrefix: true });
    const p = pprofProfile(merged);
    const samples = p.sample.reduce((a, s) => a + Number(s.value[0]), 0);
    expect(samples).toBe(merged.samplesInTree);
    expect(p.sample).toHaveLength(merged.fullStacks!.stacks.length);
  });

  it('results without full stacks (the browser’s) fall back to their trees', () => {
    const light = hosts.map((h) => ({ ...h, result: { ...h.result!, fullStacks: undefined } }));
    const lines = foldedLines(mergedProfile(light));
    expect(lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(hosts.reduce((a, h) => a + h.result!.root.value, 0));
  });

  it('a host pruned on its own counts 0 for a path it lost; failed hosts are left out', () => {
    const pruned = hosts.map((h) => (h.hostName === 'fleet31' ? { ...h, result: { ...h.result!, root: pruneTree(h.result!.root, { maxNodes: 1 }).root } } : h));
    const failed: FleetHostInput = { ...hosts[0], hostId: 'f', hostName: 'fleet14', status: 'failed', errorMessage: 'x', result: null };
    const m = mergeFlame([...pruned, failed]);
    expect(m.hosts.map((h) => h.hostName)).not.toContain('fleet14');
    const s = frameShares([...pruned, failed], pathTo(m.root, BUSY)!);
    expect(s.hosts.find((r) => r.hostName === 'fleet31')!.samples).toBe(0);
  });
});

describe('latency overview (runqlat, biolatency on four hosts, one after another)', () => {
  it('runqlat: fleet31, whose run had 6 busy loops on 2 CPUs, is the outlier of p99', () => {
    const o = latencyOverview(fleetFixtures('runqlat'));
    expect(o.unit).toBe('us');
    expect(o.rows.map((r) => r.hostName)).toEqual(['fleet11', 'fleet12', 'fleet21', 'fleet31']);
    const outliers = o.rows.filter((r) => r.cells.p99.outlier).map((r) => r.hostName);
    expect(outliers).toEqual(['fleet31']);
    const f31 = o.rows.find((r) => r.hostName === 'fleet31')!;
    expect(f31.cells.p99.ratio).toBeGreaterThanOrEqual(2);
    expect(f31.outlier).toBe(true);
  });

  it('the fleet row is every host’s histogram summed: its count is the hosts’ sum, its p50 between theirs', () => {
    const hosts = fleetFixtures<LatencyHeatmapResult>('runqlat');
    const o = latencyOverview(hosts);
    expect(o.fleet.count).toBe(hosts.reduce((a, h) => a + h.result!.count, 0));
    const p50s = hosts.map((h) => h.result!.p50!);
    expect(o.fleet.p50!).toBeGreaterThanOrEqual(Math.min(...p50s));
    expect(o.fleet.p50!).toBeLessThanOrEqual(Math.max(...p50s));
  });

  it('biolatency: the host whose I/Os were slowest stands out at p50, no other', () => {
    const hosts = fleetFixtures<LatencyHeatmapResult>('biolatency');
    const o = latencyOverview(hosts);
    const slowest = [...hosts].sort((a, b) => b.result!.p50! - a.result!.p50!)[0].hostName;
    expect(o.rows.filter((r) => r.cells.p50.outlier).map((r) => r.hostName)).toEqual([slowest]);
  });

  it('no outliers among equal hosts, nor with fewer than three hosts, nor for hosts with too few latencies', () => {
    const one = fleetFixtures<LatencyHeatmapResult>('runqlat')[0];
    const same = ['a1', 'a2', 'a3', 'a4'].map((n, i) => ({ ...one, hostId: n, hostName: n, runId: String(i) }));
    expect(latencyOverview(same).rows.some((r) => r.outlier)).toBe(false);
    const two = fleetFixtures('runqlat', ['fleet11', 'fleet31']);
    expect(latencyOverview(two).rows.some((r) => r.outlier)).toBe(false);
    const few = fleetFixtures<LatencyHeatmapResult>('runqlat').map((h) => (h.hostName === 'fleet31' ? { ...h, result: { ...h.result!, count: 5 } } : h));
    const o = latencyOverview(few);
    expect(o.tooFew).toEqual(['fleet31']);
    expect(o.rows.find((r) => r.hostName === 'fleet31')!.outlier).toBe(false);
  });

  it('heat maps side by side get the same latency rows; counts unchanged', () => {
    const rs = fleetFixtures<LatencyHeatmapResult>('runqlat').map((h) => h.result!);
    const before = rs.map((r) => buildLatencyGrid(r).rows.length);
    expect(new Set(before).size).toBeGreaterThan(1);
    const aligned = alignLatencyRows(rs);
    const rows = aligned.map((r) =>
      buildLatencyGrid(r)
        .rows.map((b) => `${b.min}:${b.max}`)
        .join(','),
    );
    expect(new Set(rows).size).toBe(1);
    for (const [i, r] of aligned.entries()) {
      expect(r.total.reduce((a, b) => a + b.count, 0)).toBe(rs[i].total.reduce((a, b) => a + b.count, 0));
      const [g, g0] = [buildLatencyGrid(r), buildLatencyGrid(rs[i])];
      expect([g.max, g.nonZero, g.nCols]).toEqual([g0.max, g0.nonZero, g0.nCols]);
    }
  });
});
