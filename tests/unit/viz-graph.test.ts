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
  });
});
