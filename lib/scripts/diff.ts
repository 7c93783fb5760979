/**
 * A line diff between two versions of a script (the `diff` package's Myers diff), as numbered lines.
 * Pure and universal: the script page computes it in the browser from the two texts it has.
 */
import { diffLines } from 'diff';
import type { DiffLine } from '@/lib/scripts/types';

export function lineDiff(older: string, newer: string): DiffLine[] {
  const out: DiffLine[] = [];
  let o = 1;
  let n = 1;
  for (const part of diffLines(older, newer)) {
    const lines = part.value.split('\n');
    if (lines[lines.length - 1] === '') lines.pop(); // the text after the last newline
    for (const text of lines) {
      if (part.added) out.push({ op: 'add', oldLine: null, newLine: n++, text });
      else if (part.removed) out.push({ op: 'del', oldLine: o++, newLine: null, text });
      else out.push({ op: 'same', oldLine: o++, newLine: n++, text });
    }
  }
  return out;
}

export function diffSummary(lines: readonly DiffLine[]): { added: number; removed: number } {
  return { added: lines.filter((l) => l.op === 'add').length, removed: lines.filter((l) => l.op === 'del').length };
}
