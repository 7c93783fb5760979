/**
 * Folded stacks ("comm;outer;...;leaf count", one line per distinct stack): the input of
 * flamegraph.pl, speedscope and inferno. Made from the result's full, unpruned stacks (fullStacks),
 * so the file holds every stack of the capture and its counts add up to samplesInTree. Pruning is for
 * drawing only. Results stored before fullStacks existed fall back to the stored (maybe pruned) tree;
 * the samples it holds only on the root (processes pruned whole) become a "[pruned for display]" line
 * so the total still adds up.
 *
 * Kernel frames get "_[k]" (Gregg's stackcollapse convention: flamegraph.pl --color=java colours them
 * apart) unless kernelSuffix is "". Stacks with neither a user nor a kernel frame are a line holding
 * the comm alone, as stackcollapse does.
 */
import { decodeFrame } from '@/lib/tools/profile/full-stacks';
import type { ProfileResult, StackNode } from '@/lib/tools/types';

export const KERNEL_SUFFIX = '_[k]';
export const PRUNED_ROOT_FRAME = '[pruned for display]';

export interface FoldedExportOptions {
  /** appended to kernel frame names (default "_[k]"; "" for none) */
  kernelSuffix?: string;
}

/** A frame name safe for the folded format (";" separates frames, the last " " precedes the count). */
export function foldedFrameName(name: string): string {
  return name.replace(/;/g, ':').replace(/[\r\n]/g, ' ');
}

export interface FoldedStack {
  /** root first: comm, user frames outermost first, kernel frames, leaf last */
  frames: Array<{ name: string; kind: 'process' | 'user' | 'kernel' }>;
  samples: number;
}

/** Where an export's stacks come from, said next to the download. */
export interface StackSource {
  source: 'full-stacks' | 'display-tree';
  stacks: number;
  samples: number;
  /** the display tree was pruned (the full stacks still hold everything) */
  treePruned: boolean;
}

function treeStacks(root: StackNode): FoldedStack[] {
  const out: FoldedStack[] = [];
  const walk = (node: StackNode, path: FoldedStack['frames']) => {
    let childSum = 0;
    for (const c of node.children) childSum += c.value;
    const self = node.value - childSum;
    if (self > 0) out.push({ frames: path.length ? path : [{ name: PRUNED_ROOT_FRAME, kind: 'process' }], samples: self });
    for (const c of node.children) walk(c, [...path, { name: c.name, kind: c.kind === 'kernel' ? 'kernel' : c.kind === 'user' ? 'user' : 'process' }]);
  };
  walk(root, []);
  return out;
}

/** The stacks of a profile result: the full ones when stored, else the display tree's. */
export function profileStacks(result: ProfileResult): { stacks: FoldedStack[]; source: StackSource } {
  let stacks: FoldedStack[];
  if (result.fullStacks) {
    const frames = result.fullStacks.frames.map(decodeFrame);
    stacks = result.fullStacks.stacks.map((s) => ({ samples: s[0], frames: s.slice(1).map((i) => frames[i]) }));
  } else {
    stacks = treeStacks(result.root);
  }
  let samples = 0;
  for (const s of stacks) samples += s.samples;
  return {
    stacks,
    source: { source: result.fullStacks ? 'full-stacks' : 'display-tree', stacks: stacks.length, samples, treePruned: result.pruned !== null },
  };
}

/** Folded lines, sorted, identical stacks merged (two stacks may fold to one line once ";" is replaced). */
export function foldedLines(result: ProfileResult, opts: FoldedExportOptions = {}): string[] {
  const suffix = opts.kernelSuffix ?? KERNEL_SUFFIX;
  const byLine = new Map<string, number>();
  for (const s of profileStacks(result).stacks) {
    const line = s.frames.map((f) => foldedFrameName(f.name) + (f.kind === 'kernel' ? suffix : '')).join(';');
    byLine.set(line, (byLine.get(line) ?? 0) + s.samples);
  }
  return [...byLine.keys()].sort().map((l) => `${l} ${byLine.get(l)}`);
}

export function foldedText(result: ProfileResult, opts: FoldedExportOptions = {}): string {
  const lines = foldedLines(result, opts);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
