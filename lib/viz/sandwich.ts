/**
 * Sandwich view of one function (as in Pyroscope and speedscope): every stack that holds it, merged
 * into two trees rooted at the function. `callers` holds the paths from the function up to its
 * process (the parent first), `callees` what ran under it. Pure and iterative (hostile input can be
 * deep).
 *
 * Recursion: only the outermost occurrence of the function on a stack starts a sandwich, so the
 * samples of f -> g -> f count once (the inner f stays inside the callees tree), and the two roots'
 * value equals the function's total in the top-functions table (lib/viz/flame.ts).
 */
import type { StackNode } from '@/lib/tools/types';

export interface Sandwich {
  name: string;
  /** samples with the function anywhere on the stack, recursion counted once (= both roots' value) */
  total: number;
  /** samples with the function as the leaf */
  self: number;
  /** outermost occurrences merged */
  occurrences: number;
  /** the function, then its callers toward the process (a flame graph drawn with the function at the bottom) */
  callers: StackNode;
  /** the function, then what it called (an icicle drawn with the function on top) */
  callees: StackNode;
}

const isFunction = (n: StackNode) => n.kind === 'user' || n.kind === 'kernel';

/** Add `value` along `chain` (names and kinds, outermost first) under `into`, merging by name and kind. */
function addChain(into: StackNode, chain: readonly StackNode[], value: number): void {
  let at = into;
  for (const f of chain) {
    let next = at.children.find((c) => c.name === f.name && c.kind === f.kind);
    if (!next) {
      next = { name: f.name, kind: f.kind, value: 0, children: [] };
      at.children.push(next);
    }
    next.value += value;
    at = next;
  }
}

/** Merge the children of `from` (a subtree of the profile) into `into`, by name and kind. */
function mergeChildren(into: StackNode, from: StackNode): void {
  const work: Array<[StackNode, StackNode]> = [[into, from]];
  while (work.length) {
    const [dst, src] = work.pop()!;
    for (const c of src.children) {
      let d = dst.children.find((x) => x.name === c.name && x.kind === c.kind);
      if (!d) {
        d = { name: c.name, kind: c.kind, value: 0, children: [] };
        dst.children.push(d);
      }
      d.value += c.value;
      work.push([d, c]);
    }
  }
}

function sortTree(root: StackNode): void {
  const work = [root];
  while (work.length) {
    const n = work.pop()!;
    n.children.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    work.push(...n.children);
  }
}

export function sandwich(root: StackNode, name: string): Sandwich {
  let kind: StackNode['kind'] = 'user';
  const callers: StackNode = { name, kind, value: 0, children: [] };
  const callees: StackNode = { name, kind, value: 0, children: [] };
  let self = 0;
  let occurrences = 0;
  // depth-first with the current path; entering = false pops the node off the path
  const path: StackNode[] = [];
  const stack: Array<[StackNode, boolean]> = [[root, true]];
  let inside = 0; // occurrences of `name` on the current path
  while (stack.length) {
    const [node, entering] = stack.pop()!;
    const hit = isFunction(node) && node.name === name;
    if (!entering) {
      path.pop();
      if (hit) inside--;
      continue;
    }
    if (hit) {
      kind = node.kind;
      let childSum = 0;
      for (const c of node.children) childSum += c.value;
      self += Math.max(0, node.value - childSum);
      if (inside === 0) {
        occurrences++;
        callers.value += node.value;
        callees.value += node.value;
        // callers: the parent first, up to the process level (the root "all" is no caller)
        const up = path.filter((p) => p.kind !== 'root').reverse();
        addChain(callers, up, node.value);
        mergeChildren(callees, node);
      }
      inside++;
    }
    path.push(node);
    stack.push([node, false]);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i], true]);
  }
  callers.kind = kind;
  callees.kind = kind;
  sortTree(callers);
  sortTree(callees);
  return { name, total: callers.value, self, occurrences, callers, callees };
}
