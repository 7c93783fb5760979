/**
 * Layout of a flame graph (pure, iterative): each node becomes a frame whose width is proportional to
 * its inclusive value, children placed left to right (in the order given) inside their parent.
 * Shared by the SVG export (lib/export/flame-svg.ts) and the differential flame graph of the compare
 * page, so both draw the same picture. Frames narrower than `minWidthPx` are left out with their
 * subtrees (a child is never wider than its parent).
 */

export interface FlameLayoutNode {
  name: string;
  value: number;
  children: readonly FlameLayoutNode[];
}

export interface LayoutFrame<N extends FlameLayoutNode> {
  node: N;
  /** left edge and width, in px */
  x: number;
  w: number;
  /** 0 = the root */
  depth: number;
  /** the parent frame's index in `frames` (-1 for the root) */
  parent: number;
}

export interface FlameLayout<N extends FlameLayoutNode> {
  frames: Array<LayoutFrame<N>>;
  /** deepest depth present */
  maxDepth: number;
  /** frames left out because narrower than minWidthPx (subtrees counted once, at their top) */
  hidden: number;
}

export interface FlameLayoutOptions {
  /** px available for the root */
  widthPx: number;
  /** frames narrower than this are not drawn (default 0.5 px) */
  minWidthPx?: number;
  /** at most this many frames (default 20,000): widest-first is not needed, a pruned input tree already is */
  maxFrames?: number;
}

export function layoutFlame<N extends FlameLayoutNode>(root: N, opts: FlameLayoutOptions): FlameLayout<N> {
  const minW = opts.minWidthPx ?? 0.5;
  const maxFrames = opts.maxFrames ?? 20_000;
  const frames: Array<LayoutFrame<N>> = [];
  let maxDepth = 0;
  let hidden = 0;
  if (!(root.value > 0)) return { frames: [{ node: root, x: 0, w: opts.widthPx, depth: 0, parent: -1 }], maxDepth: 0, hidden: 0 };
  const scale = opts.widthPx / root.value;
  // Breadth-first, so a frame cap cuts the deepest frames, never a parent before its child.
  const queue: Array<LayoutFrame<N>> = [{ node: root, x: 0, w: opts.widthPx, depth: 0, parent: -1 }];
  for (let head = 0; head < queue.length; head++) {
    const f = queue[head];
    if (frames.length >= maxFrames) {
      hidden++;
      continue;
    }
    const index = frames.length;
    frames.push(f);
    if (f.depth > maxDepth) maxDepth = f.depth;
    let x = f.x;
    for (const c of f.node.children as readonly N[]) {
      const w = c.value * scale;
      if (w >= minW) queue.push({ node: c, x, w, depth: f.depth + 1, parent: index });
      else if (c.value > 0) hidden++;
      x += w;
    }
  }
  return { frames, maxDepth, hidden };
}
