/**
 * Comparing two reports' results of the same tool.
 *
 * Profiles: a differential flame tree. The two trees are merged by path (process, then frames; kind
 * and name), each node carrying its samples and its share of all samples in A and in B; `delta` is
 * shareB - shareA (share points: 0.25 = 25 % of the CPU samples). Shares, not sample counts, because
 * the two runs may differ in length and CPU count. A frame's width is the mean of its two shares, so
 * frames that vanished (blue) stay visible next to those that appeared (red). Plus, per function, the
 * change in self and total share, top grown and top shrunk.
 *
 * Latency heat maps: p50/p90/p99 of each and the change.
 */
import { topFunctions } from '@/lib/viz/flame';
import type { LatencyHeatmapResult, ProfileResult, StackNode } from '@/lib/tools/types';

export interface DiffNode {
  name: string;
  kind: StackNode['kind'];
  /** samples in A and in B */
  a: number;
  b: number;
  /** shares of all samples of A, of B (0..1) */
  shareA: number;
  shareB: number;
  /** shareB - shareA */
  delta: number;
  /** drawing width: (shareA + shareB) / 2 */
  value: number;
  children: DiffNode[];
}

export interface DiffTreeOptions {
  /** merged frames whose share is under this in both A and B are dropped (default 0.001 = 0.1 %) */
  minShare?: number;
  /** at most this many nodes, widest first (default 6,000) */
  maxNodes?: number;
}

interface Pair {
  a: StackNode | null;
  b: StackNode | null;
}

const keyOf = (n: StackNode) => `${n.kind}\u0000${n.name}`;

class MaxHeap<T> {
  private items: T[] = [];
  constructor(private readonly score: (t: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(t: T): void {
    const a = this.items;
    a.push(t);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (this.score(a[p]) >= this.score(a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): T {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.score(a[l]) > this.score(a[m])) m = l;
        if (r < a.length && this.score(a[r]) > this.score(a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** Merge two flame trees into a differential tree (iterative: stacks can be deep). */
export function diffFlameTrees(rootA: StackNode, rootB: StackNode, opts: DiffTreeOptions = {}): { root: DiffNode; nodes: number; dropped: number } {
  const minShare = opts.minShare ?? 0.001;
  const maxNodes = opts.maxNodes ?? 6_000;
  const totalA = rootA.value;
  const totalB = rootB.value;
  const make = (p: Pair): DiffNode => {
    const a = p.a?.value ?? 0;
    const b = p.b?.value ?? 0;
    const shareA = totalA > 0 ? a / totalA : 0;
    const shareB = totalB > 0 ? b / totalB : 0;
    const n = (p.a ?? p.b)!;
    return { name: n.name, kind: n.kind, a, b, shareA, shareB, delta: shareB - shareA, value: (shareA + shareB) / 2, children: [] };
  };
  const root = make({ a: rootA, b: rootB });
  root.name = 'all';
  // Widest-first expansion under a node cap (a child is never wider than its parent: stays connected).
  const heap = new MaxHeap<{ pair: Pair; node: DiffNode }>((x) => x.node.value);
  heap.push({ pair: { a: rootA, b: rootB }, node: root });
  let nodes = 1;
  let dropped = 0;
  while (heap.size > 0) {
    const { pair, node } = heap.pop();
    const merged = new Map<string, Pair>();
    for (const c of pair.a?.children ?? []) merged.set(keyOf(c), { a: c, b: null });
    for (const c of pair.b?.children ?? []) {
      const k = keyOf(c);
      const m = merged.get(k);
      if (m) m.b = c;
      else merged.set(k, { a: null, b: c });
    }
    for (const p of merged.values()) {
      const d = make(p);
      if (Math.max(d.shareA, d.shareB) < minShare || nodes >= maxNodes) {
        dropped++;
        continue;
      }
      nodes++;
      node.children.push(d);
      heap.push({ pair: p, node: d });
    }
    node.children.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.kind < y.kind ? -1 : 1));
  }
  return { root, nodes, dropped };
}

export interface FunctionChange {
  name: string;
  kind: 'user' | 'kernel' | 'mixed';
  /** share of all samples with the function as the leaf, in A and B (0..1) */
  selfA: number;
  selfB: number;
  /** share of all samples with the function anywhere on the stack */
  totalA: number;
  totalB: number;
  deltaSelf: number;
  deltaTotal: number;
}

/** Per function: the change in self and total share; the `limit` most grown and most shrunk by self share. */
export function functionChanges(rootA: StackNode, rootB: StackNode, limit = 15): { grown: FunctionChange[]; shrunk: FunctionChange[] } {
  const fa = topFunctions(rootA, Number.MAX_SAFE_INTEGER);
  const fb = topFunctions(rootB, Number.MAX_SAFE_INTEGER);
  const sa = fa.samples || 1;
  const sb = fb.samples || 1;
  const all = new Map<string, FunctionChange>();
  const row = (name: string, kind: FunctionChange['kind']) => {
    let r = all.get(name);
    if (!r) {
      r = { name, kind, selfA: 0, selfB: 0, totalA: 0, totalB: 0, deltaSelf: 0, deltaTotal: 0 };
      all.set(name, r);
    } else if (r.kind !== kind) r.kind = 'mixed';
    return r;
  };
  for (const f of fa.rows) Object.assign(row(f.name, f.kind), { selfA: f.self / sa, totalA: f.total / sa });
  for (const f of fb.rows) Object.assign(row(f.name, f.kind), { selfB: f.self / sb, totalB: f.total / sb });
  for (const r of all.values()) {
    r.deltaSelf = r.selfB - r.selfA;
    r.deltaTotal = r.totalB - r.totalA;
  }
  const rows = [...all.values()];
  const by = (sign: 1 | -1) => (x: FunctionChange, y: FunctionChange) =>
    sign * (y.deltaSelf - x.deltaSelf) || sign * (y.deltaTotal - x.deltaTotal) || (x.name < y.name ? -1 : 1);
  return {
    grown: rows
      .filter((r) => r.deltaSelf > 0 || (r.deltaSelf === 0 && r.deltaTotal > 0))
      .sort(by(1))
      .slice(0, limit),
    shrunk: rows
      .filter((r) => r.deltaSelf < 0 || (r.deltaSelf === 0 && r.deltaTotal < 0))
      .sort(by(-1))
      .slice(0, limit),
  };
}

export interface ProfileComparison {
  kind: 'profile';
  samplesA: number;
  samplesB: number;
  tree: DiffNode;
  treeNodes: number;
  treeDropped: number;
  /** largest |delta| in the tree, for the colour scale */
  maxAbsDelta: number;
  grown: FunctionChange[];
  shrunk: FunctionChange[];
}

export function compareProfiles(a: ProfileResult, b: ProfileResult): ProfileComparison {
  const { root, nodes, dropped } = diffFlameTrees(a.root, b.root);
  let maxAbsDelta = 0;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind !== 'root') maxAbsDelta = Math.max(maxAbsDelta, Math.abs(n.delta));
    stack.push(...n.children);
  }
  const { grown, shrunk } = functionChanges(a.root, b.root);
  return {
    kind: 'profile',
    samplesA: a.samplesInTree,
    samplesB: b.samplesInTree,
    tree: root,
    treeNodes: nodes,
    treeDropped: dropped,
    maxAbsDelta,
    grown,
    shrunk,
  };
}

export interface PercentileChange {
  name: 'p50' | 'p90' | 'p99';
  a: number | null;
  b: number | null;
  /** b - a, in the unit */
  delta: number | null;
  /** b / a */
  ratio: number | null;
}

export interface LatencyComparison {
  kind: 'latency';
  unit: LatencyHeatmapResult['unit'];
  countA: number;
  countB: number;
  percentiles: PercentileChange[];
}

export function compareLatency(a: LatencyHeatmapResult, b: LatencyHeatmapResult): LatencyComparison {
  const names = ['p50', 'p90', 'p99'] as const;
  // Both parsers of the same tool use one unit; convert anyway if they ever differ.
  const toNs = { ns: 1, us: 1e3, ms: 1e6 } as const;
  const conv = (v: number | null, from: LatencyHeatmapResult['unit']) => (v === null ? null : (v * toNs[from]) / toNs[a.unit]);
  return {
    kind: 'latency',
    unit: a.unit,
    countA: a.count,
    countB: b.count,
    percentiles: names.map((name) => {
      const va = a[name];
      const vb = conv(b[name], b.unit);
      return {
        name,
        a: va,
        b: vb,
        delta: va !== null && vb !== null ? vb - va : null,
        ratio: va !== null && vb !== null && va > 0 ? vb / va : null,
      };
    }),
  };
}
