/** Comparisons: the differential flame tree (shares, deltas, merge by path), function changes, latency percentiles. */
import { describe, expect, it } from 'vitest';
import { compareLatency, compareProfiles, diffFlameTrees, functionChanges } from '@/lib/reports/compare';
import type { LatencyHeatmapResult, ProfileResult, StackNode } from '@/lib/tools/types';

const n = (name: string, kind: StackNode['kind'], value: number, children: StackNode[] = []): StackNode => ({ name, kind, value, children });
const stats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };

// A: 100 samples, all in sshd (60 in crypto, 40 in read [k]); B: 200 samples, 50 % sshd as before, 50 % busy_loop (new)
const A = n('all', 'root', 100, [n('sshd', 'process', 100, [n('main', 'user', 100, [n('crypto', 'user', 60), n('read', 'kernel', 40)])])]);
const B = n('all', 'root', 200, [
  n('busy', 'process', 100, [n('main', 'user', 100, [n('bpfdeck_busy_loop', 'user', 100)])]),
  n('sshd', 'process', 100, [n('main', 'user', 100, [n('crypto', 'user', 60), n('read', 'kernel', 40)])]),
]);

const find = (root: { name: string; children: Array<{ name: string }> }, ...path: string[]) => {
  let cur = root as { name: string; children: unknown[] };
  for (const p of path) {
    const next = (cur.children as Array<typeof cur>).find((c) => c.name === p);
    if (!next) throw new Error(`no ${p} under ${cur.name}`);
    cur = next;
  }
  return cur as unknown as ReturnType<typeof diffFlameTrees>['root'];
};

describe('differential flame tree', () => {
  it('merges by path and compares shares, not counts', () => {
    const { root } = diffFlameTrees(A, B);
    expect(root.shareA).toBe(1);
    expect(root.shareB).toBe(1);
    const sshd = find(root, 'sshd');
    expect([sshd.a, sshd.b]).toEqual([100, 100]);
    expect(sshd.shareA).toBe(1);
    expect(sshd.shareB).toBe(0.5);
    expect(sshd.delta).toBeCloseTo(-0.5);
    const loop = find(root, 'busy', 'main', 'bpfdeck_busy_loop');
    expect([loop.a, loop.b, loop.shareA, loop.shareB]).toEqual([0, 100, 0, 0.5]);
    expect(loop.delta).toBeCloseTo(0.5);
    // width: mean share; children never wider than their parent
    expect(loop.value).toBeCloseTo(0.25);
    const walk = (d: typeof root) => {
      const sum = d.children.reduce((s, c) => s + c.value, 0);
      expect(sum).toBeLessThanOrEqual(d.value + 1e-12);
      d.children.forEach(walk);
    };
    walk(root);
  });

  it('keeps a user and a kernel frame of the same name apart', () => {
    const a = n('all', 'root', 2, [n('p', 'process', 2, [n('x', 'user', 1), n('x', 'kernel', 1)])]);
    const { root } = diffFlameTrees(a, a);
    expect(
      find(root, 'p')
        .children.map((c) => `${c.name}:${c.kind}`)
        .sort(),
    ).toEqual(['x:kernel', 'x:user']);
    expect(find(root, 'p').children.every((c) => c.delta === 0)).toBe(true);
  });

  it('drops frames under the minimum share in both, and caps nodes widest first', () => {
    const wide = n('all', 'root', 10_000, [
      n(
        'p',
        'process',
        10_000,
        Array.from({ length: 100 }, (_, i) => n(`f${i}`, 'user', i === 0 ? 9_901 : 1)),
      ),
    ]);
    const r = diffFlameTrees(wide, wide, { minShare: 0.001 });
    expect(find(r.root, 'p').children.map((c) => c.name)).toEqual(['f0']);
    expect(r.dropped).toBe(99);
    const capped = diffFlameTrees(B, B, { maxNodes: 3 });
    expect(capped.nodes).toBe(3);
    expect(capped.root.children.map((c) => c.name).sort()).toEqual(['busy', 'sshd']);
  });
});

describe('function changes', () => {
  it('lists the new hot function as grown and the diluted ones as shrunk', () => {
    const { grown, shrunk } = functionChanges(A, B);
    expect(grown[0].name).toBe('bpfdeck_busy_loop');
    expect(grown[0].selfA).toBe(0);
    expect(grown[0].selfB).toBe(0.5);
    expect(shrunk.map((r) => r.name)).toEqual(['crypto', 'read']);
    expect(shrunk[0].deltaSelf).toBeCloseTo(-0.3);
    // main: self 0 in both, total 100 % -> 100 %: unchanged, in neither list
    expect([...grown, ...shrunk].some((r) => r.name === 'main')).toBe(false);
  });

  it('compareProfiles colours by the largest change', () => {
    const prof = (root: StackNode): ProfileResult => ({
      kind: 'profile',
      sampleHz: 99,
      samplesCounted: null,
      samplesInTree: root.value,
      root,
      processes: [],
      pruned: null,
      stats,
    });
    const c = compareProfiles(prof(A), prof(B));
    expect(c.maxAbsDelta).toBeCloseTo(0.5);
    expect([c.samplesA, c.samplesB]).toEqual([100, 200]);
  });
});

describe('latency comparison', () => {
  const lat = (p50: number | null, p90: number | null, p99: number | null, unit: LatencyHeatmapResult['unit'] = 'us'): LatencyHeatmapResult => ({
    kind: 'latency-heatmap',
    unit,
    columns: [],
    total: [],
    count: 10,
    p50,
    p90,
    p99,
    stats,
  });
  it('gives the change and ratio of each percentile, in A unit', () => {
    const c = compareLatency(lat(10, 100, 1000), lat(0.02, 0.1, 0.5, 'ms'));
    const want = [
      { name: 'p50', a: 10, b: 20, delta: 10, ratio: 2 },
      { name: 'p90', a: 100, b: 100, delta: 0, ratio: 1 },
      { name: 'p99', a: 1000, b: 500, delta: -500, ratio: 0.5 },
    ];
    expect(c.unit).toBe('us');
    c.percentiles.forEach((p, i) => {
      expect(p.name).toBe(want[i].name);
      expect(p.a).toBe(want[i].a);
      for (const k of ['b', 'delta', 'ratio'] as const) expect(p[k]).toBeCloseTo(want[i][k], 9);
    });
    expect(compareLatency(lat(null, 1, 1), lat(3, 1, 1)).percentiles[0]).toEqual({ name: 'p50', a: null, b: 3, delta: null, ratio: null });
  });
});
