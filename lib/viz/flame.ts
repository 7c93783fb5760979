/**
 * Top functions of a flame tree: per function name, self samples (time in the function itself) and
 * total samples (time with the function anywhere on the stack). Pure, iterative (deep stacks would
 * overflow a recursive walk on a 20k-node tree built from hostile input).
 *
 * Recursion: a stack main -> f -> g -> f holds f twice; its samples count once in f's total. The walk
 * keeps a count of each name on the current path and adds a node's value to its name's total only
 * where the name is not already on the path above it (the outermost occurrence covers the inner ones).
 */
import type { StackNode } from '@/lib/tools/types';

export interface TopFunction {
  name: string;
  /** 'user' or 'kernel' (of the first occurrence met; a name seen as both is 'mixed') */
  kind: 'user' | 'kernel' | 'mixed';
  /** samples where this function is the leaf */
  self: number;
  /** samples where this function is anywhere on the stack, recursion counted once */
  total: number;
}

export interface TopFunctionsResult {
  rows: TopFunction[];
  /** distinct function names in the tree */
  functions: number;
  /** samples in the tree (the root's value) */
  samples: number;
}

/** Frames that are functions: the root and the per-process (comm) level are not. */
function isFunction(n: StackNode): boolean {
  return n.kind === 'user' || n.kind === 'kernel';
}

export type TopFunctionsSort = 'self' | 'total';

/**
 * The `limit` functions with the most samples by `sortBy` (ties: the other measure, then name).
 */
export function topFunctions(root: StackNode, limit = 30, sortBy: TopFunctionsSort = 'self'): TopFunctionsResult {
  const acc = new Map<string, TopFunction>();
  const onPath = new Map<string, number>();
  // Explicit stack of [node, entering]; leaving a node pops its name from the path.
  const stack: Array<[StackNode, boolean]> = [[root, true]];
  while (stack.length) {
    const [node, entering] = stack.pop()!;
    const fn = isFunction(node);
    if (!entering) {
      const c = onPath.get(node.name)! - 1;
      if (c === 0) onPath.delete(node.name);
      else onPath.set(node.name, c);
      continue;
    }
    if (fn) {
      let childSum = 0;
      for (const c of node.children) childSum += c.value;
      const self = Math.max(0, node.value - childSum);
      let row = acc.get(node.name);
      if (!row) {
        row = { name: node.name, kind: node.kind as 'user' | 'kernel', self: 0, total: 0 };
        acc.set(node.name, row);
      } else if (row.kind !== node.kind) {
        row.kind = 'mixed';
      }
      row.self += self;
      if (!onPath.has(node.name)) row.total += node.value;
      onPath.set(node.name, (onPath.get(node.name) ?? 0) + 1);
      stack.push([node, false]);
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i], true]);
  }
  const other: TopFunctionsSort = sortBy === 'self' ? 'total' : 'self';
  const rows = [...acc.values()].sort((a, b) => b[sortBy] - a[sortBy] || b[other] - a[other] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { rows: rows.slice(0, limit), functions: acc.size, samples: root.value };
}

/** A regular expression (as text) that matches exactly `name`: function names hold (), [], +, *, ... */
export function exactNameRegex(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** Whether `t` compiles as a regular expression (the flame graph search builds one from it). */
export function validRegex(t: string): boolean {
  try {
    new RegExp(t);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Frame colours: kernel frames orange, user frames blue-green, processes grey. Light fills in both
// colour schemes (the labels are black: d3-flame-graph's CSS), at least 4.5:1 against black text
// (tests/unit/viz-palettes.test.ts).

/** a frame matching the search */
export const FLAME_HIGHLIGHT = '#e600e6';

function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < Math.min(s.length, 24); i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

/** The fill of a frame of `kind` named `name` (stable per name); null for an unknown kind. */
export function frameColor(kind: string, name: string): string | null {
  const h = nameHash(name);
  switch (kind) {
    case 'root':
      return '#94a3b8';
    case 'process':
      return '#cbd5e1';
    case 'kernel':
      return `hsl(${20 + (h % 25)}, 85%, ${58 + (h % 10)}%)`;
    case 'user':
      return `hsl(${160 + (h % 40)}, 55%, ${55 + (h % 12)}%)`;
    default:
      return null;
  }
}
