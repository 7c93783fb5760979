/**
 * Deterministic two-column layout of a connection graph (tcplife endpoints): endpoints that open
 * connections (edge sources) on the left, endpoints only ever connected to on the right. Two columns
 * keep every label horizontal and readable up to a few hundred endpoints, where a force or circle
 * layout would pile labels on each other. The longer column is evenly spaced and grouped by busiest
 * neighbour, the shorter one placed at its neighbours' mean height (see below). Pure.
 */
import type { ConnectionsResult } from '@/lib/tools/types';

export type GraphInput = ConnectionsResult['graph'];

export interface LaidNode {
  id: string;
  label: string;
  /** bytes sent and received by this endpoint */
  bytes: number;
  side: 'left' | 'right';
  x: number;
  y: number;
  /** connections on the edges touching it (among the shown edges) */
  connections: number;
}

export interface LaidEdge {
  source: string;
  target: string;
  connections: number;
  txBytes: number;
  rxBytes: number;
  /** stroke width, px: grows with the square root of bytes so a 1 GB flow does not hide a 1 MB one */
  widthPx: number;
  /** SVG path (cubic curve) */
  d: string;
}

export interface GraphLayout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  widthPx: number;
  heightPx: number;
  /** endpoints left out by the node cap, their bytes, and the edges that touched them */
  hiddenNodes: number;
  hiddenBytes: number;
  hiddenEdges: number;
}

export interface GraphLayoutOptions {
  /** most endpoints drawn (the busiest by bytes); default 200 */
  maxNodes?: number;
  widthPx?: number;
  /** vertical distance between two endpoints of a column, px */
  rowPx?: number;
  /** room for labels on each side, px */
  labelPx?: number;
  minEdgePx?: number;
  maxEdgePx?: number;
}

export const DEFAULT_MAX_GRAPH_NODES = 200;

function byBytesThenId(a: { id: string; bytes: number }, b: { id: string; bytes: number }): number {
  return b.bytes - a.bytes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function layoutGraph(graph: GraphInput, opts: GraphLayoutOptions = {}): GraphLayout {
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_GRAPH_NODES;
  const widthPx = opts.widthPx ?? 800;
  const rowPx = opts.rowPx ?? 18;
  const labelPx = opts.labelPx ?? 190;
  const minEdge = opts.minEdgePx ?? 1;
  const maxEdge = opts.maxEdgePx ?? 10;
  const pad = 12;

  const sorted = [...graph.nodes].sort(byBytesThenId);
  const kept = sorted.slice(0, maxNodes);
  const keptIds = new Set(kept.map((n) => n.id));
  let hiddenBytes = 0;
  for (const n of sorted.slice(maxNodes)) hiddenBytes += n.bytes;

  const edges = graph.edges.filter((e) => keptIds.has(e.source) && keptIds.has(e.target));
  const sources = new Set(edges.map((e) => e.source));
  const targets = new Set(edges.map((e) => e.target));
  const left = kept.filter((n) => sources.has(n.id) || !targets.has(n.id));
  const leftIds = new Set(left.map((n) => n.id));
  const right = kept.filter((n) => !leftIds.has(n.id));

  const rowsTall = Math.max(left.length, right.length, 1);
  const heightPx = pad * 2 + rowsTall * rowPx;
  const conn = new Map<string, number>();
  for (const e of edges) {
    conn.set(e.source, (conn.get(e.source) ?? 0) + e.connections);
    conn.set(e.target, (conn.get(e.target) ?? 0) + e.connections);
  }
  const xLeft = labelPx;
  const xRight = Math.max(labelPx + 120, widthPx - labelPx);

  // Neighbours across the columns, with the bytes between them.
  const across = new Map<string, Array<{ id: string; bytes: number }>>();
  const link = (a: string, b: string, bytes: number) => {
    const l = across.get(a) ?? [];
    l.push({ id: b, bytes });
    across.set(a, l);
  };
  for (const e of edges) {
    if (leftIds.has(e.source) === leftIds.has(e.target)) continue; // same column: not across
    link(e.source, e.target, e.txBytes + e.rxBytes);
    link(e.target, e.source, e.txBytes + e.rxBytes);
  }

  // The longer column is evenly spaced, its endpoints grouped by their busiest neighbour in the other
  // column (so one client's servers sit together and lines cross less); the shorter column's endpoints
  // sit at the weighted mean height of their neighbours, pushed apart to at least one row.
  const longIsLeft = left.length >= right.length;
  const longList = longIsLeft ? left : right;
  const shortList = longIsLeft ? right : left;
  const shortRank = new Map(shortList.map((n, i) => [n.id, i]));
  const mainNeighbour = (id: string) => {
    const l = across.get(id);
    if (!l || l.length === 0) return Number.MAX_SAFE_INTEGER;
    let best = l[0];
    for (const x of l) if (x.bytes > best.bytes || (x.bytes === best.bytes && (shortRank.get(x.id) ?? 0) < (shortRank.get(best.id) ?? 0))) best = x;
    return shortRank.get(best.id) ?? Number.MAX_SAFE_INTEGER;
  };
  const longOrdered = longList
    .map((n) => ({ n, g: mainNeighbour(n.id) }))
    .sort((a, b) => a.g - b.g || byBytesThenId(a.n, b.n))
    .map((x) => x.n);
  const yOf = new Map<string, number>();
  longOrdered.forEach((n, i) => yOf.set(n.id, pad + (i + 0.5) * rowPx));
  const wanted = shortList.map((n, i) => {
    const l = across.get(n.id) ?? [];
    let w = 0;
    let sum = 0;
    for (const x of l) {
      const y = yOf.get(x.id);
      if (y === undefined) continue;
      w += x.bytes + 1;
      sum += (x.bytes + 1) * y;
    }
    // endpoints without neighbours across go below the others, in their order
    return { n, y: w > 0 ? sum / w : heightPx + i };
  });
  wanted.sort((a, b) => a.y - b.y || byBytesThenId(a.n, b.n));
  const ys = wanted.map((x) => x.y);
  for (let i = 0; i < ys.length; i++) ys[i] = Math.max(ys[i], i === 0 ? pad + rowPx / 2 : ys[i - 1] + rowPx);
  for (let i = ys.length - 1; i >= 0; i--) ys[i] = Math.min(ys[i], i === ys.length - 1 ? heightPx - pad - rowPx / 2 : ys[i + 1] - rowPx);
  wanted.forEach((x, i) => yOf.set(x.n.id, ys[i]));

  const place = (list: typeof kept, side: 'left' | 'right'): LaidNode[] =>
    list.map((n) => ({
      id: n.id,
      label: n.label,
      bytes: n.bytes,
      side,
      x: side === 'left' ? xLeft : xRight,
      y: yOf.get(n.id)!,
      connections: conn.get(n.id) ?? 0,
    }));
  const leftOrdered = longIsLeft ? longOrdered : wanted.map((x) => x.n);
  const rightOrdered = longIsLeft ? wanted.map((x) => x.n) : longOrdered;
  const nodes = [...place(leftOrdered, 'left'), ...place(rightOrdered, 'right')];
  const pos = new Map(nodes.map((n) => [n.id, n]));

  const maxBytes = edges.reduce((m, e) => Math.max(m, e.txBytes + e.rxBytes), 0);
  const laid: LaidEdge[] = edges
    .map((e) => {
      const a = pos.get(e.source)!;
      const b = pos.get(e.target)!;
      const bytes = e.txBytes + e.rxBytes;
      const widthPx = maxBytes > 0 ? minEdge + (maxEdge - minEdge) * Math.sqrt(bytes / maxBytes) : minEdge + 0.5;
      let d: string;
      if (a.x === b.x) {
        // both ends in one column: a loop bulging toward the middle
        const bulge = a.side === 'left' ? 90 : -90;
        d = `M${a.x},${a.y} C${a.x + bulge},${a.y} ${b.x + bulge},${b.y} ${b.x},${b.y}`;
      } else {
        const mx = (a.x + b.x) / 2;
        d = `M${a.x},${a.y} C${mx},${a.y} ${mx},${b.y} ${b.x},${b.y}`;
      }
      return { ...e, widthPx: Math.round(widthPx * 10) / 10, d };
    })
    // thin edges drawn last, on top of thick ones, so they stay hoverable
    .sort((x, y) => y.widthPx - x.widthPx || (x.source + x.target < y.source + y.target ? -1 : 1));

  return {
    nodes,
    edges: laid,
    widthPx,
    heightPx,
    hiddenNodes: sorted.length - kept.length,
    hiddenBytes,
    hiddenEdges: graph.edges.length - edges.length,
  };
}
