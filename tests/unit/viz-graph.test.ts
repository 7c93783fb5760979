import { describe, expect, it } from 'vitest';
import { layoutGraph } from '@/lib/viz/graph';

const graph = {
  nodes: [
    { id: 'L1', label: '10.0.0.1', bytes: 3000 },
    { id: 'R1', label: '10.0.0.9:443', bytes: 2000 },
    { id: 'R2', label: '10.0.0.8:80', bytes: 1000 },
    { id: 'X', label: 'lonely', bytes: 0 },
  ],
  edges: [
    { source: 'L1', target: 'R1', connections: 3, txBytes: 1500, rxBytes: 500 },
    { source: 'L1', target: 'R2', connections: 1, txBytes: 100, rxBytes: 900 },
  ],
};

describe('layoutGraph', () => {
  it('puts sources left and targets right, busiest first, deterministically', () => {
    const l = layoutGraph(graph, { widthPx: 800 });
    const side = Object.fromEntries(l.nodes.map((n) => [n.id, n.side]));
    expect(side).toEqual({ L1: 'left', X: 'left', R1: 'right', R2: 'right' });
    const r1 = l.nodes.find((n) => n.id === 'R1')!;
    const r2 = l.nodes.find((n) => n.id === 'R2')!;
    expect(r1.y).toBeLessThan(r2.y);
    expect(l.nodes.find((n) => n.id === 'L1')!.connections).toBe(4);
    expect(layoutGraph(graph, { widthPx: 800 })).toEqual(l);
  });

  it('widens edges with bytes (square root)', () => {
    const l = layoutGraph(graph, { minEdgePx: 1, maxEdgePx: 10 });
    const w = Object.fromEntries(l.edges.map((e) => [e.target, e.widthPx]));
    expect(w.R1).toBe(10);
    expect(w.R2).toBeCloseTo(1 + 9 * Math.sqrt(0.5), 1);
  });

  it('caps nodes and counts what it left out', () => {
    const many = {
      nodes: Array.from({ length: 300 }, (_, i) => ({ id: `n${i}`, label: `n${i}`, bytes: 300 - i })),
      edges: Array.from({ length: 299 }, (_, i) => ({ source: 'n0', target: `n${i + 1}`, connections: 1, txBytes: 1, rxBytes: 1 })),
    };
    const l = layoutGraph(many, { maxNodes: 200 });
    expect(l.nodes).toHaveLength(200);
    expect(l.hiddenNodes).toBe(100);
    expect(l.hiddenBytes).toBe(Array.from({ length: 100 }, (_, i) => 100 - i).reduce((a, b) => a + b, 0));
    expect(l.edges).toHaveLength(199);
    expect(l.hiddenEdges).toBe(100);
    for (const n of l.nodes) expect(n.y).toBeLessThanOrEqual(l.heightPx);
    // the one client sits among its servers, not at the top of a 200-row column
    const n0 = l.nodes.find((x) => x.id === 'n0')!;
    expect(n0.side).toBe('left');
    expect(n0.y).toBeGreaterThan(l.heightPx * 0.2);
    expect(n0.y).toBeLessThan(l.heightPx * 0.8);
  });

  it('keeps the shorter column at least a row apart and inside the drawing', () => {
    const g = {
      nodes: [
        { id: 'a', label: 'a', bytes: 10 },
        { id: 'b', label: 'b', bytes: 9 },
        { id: 'c', label: 'c', bytes: 8 },
        ...Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, label: `t${i}`, bytes: 1 })),
      ],
      edges: [...['a', 'b', 'c'].map((s) => ({ source: s, target: 't0', connections: 1, txBytes: 5, rxBytes: 5 }))],
    };
    const l = layoutGraph(g, { rowPx: 18 });
    const left = l.nodes.filter((n) => n.side === 'left').sort((x, y) => x.y - y.y);
    expect(
      left
        .map((n) => n.id)
        .slice(0, 3)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    for (let i = 1; i < left.length; i++) expect(left[i].y - left[i - 1].y).toBeGreaterThanOrEqual(18 - 1e-9);
    for (const n of l.nodes) {
      expect(n.y).toBeGreaterThan(0);
      expect(n.y).toBeLessThan(l.heightPx);
    }
  });
});

describe('synthesizeGraph', () => {
  it('grows a real graph past the cap with real-looking endpoints', async () => {
    const { synthesizeGraph } = await import('@/lib/viz/synthetic');
    const g = synthesizeGraph(graph, { endpoints: 260 });
    expect(g.nodes).toHaveLength(260);
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(260);
    for (const e of g.edges) {
      expect(g.nodes.some((n) => n.id === e.source)).toBe(true);
      expect(g.nodes.some((n) => n.id === e.target)).toBe(true);
    }
    expect(g.nodes.filter((n) => n.id.startsWith('syn:')).every((n) => /^10\.0\.0\.[89]:\d+$/.test(n.label))).toBe(true);
    const l = layoutGraph(g);
    expect(l.nodes).toHaveLength(200);
    expect(l.hiddenNodes).toBe(60);
  });
});
