/**
 * Folded stacks ("comm;outer;...;leaf count", one line per stack with self samples) of a profile
 * result: the input of flamegraph.pl, speedscope and inferno. Built from the report's stored tree,
 * so the file matches what the report shows (when the tree was pruned for display, the samples of
 * the dropped frames stay in their parents, as the report says).
 */
import { foldedStacks } from '@/lib/tools/profile/parse';
import type { StackNode } from '@/lib/tools/types';

export function foldedText(root: StackNode): string {
  const lines = foldedStacks(root);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
