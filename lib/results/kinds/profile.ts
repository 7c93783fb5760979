/** profile: a CPU flame graph. */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import type { ProfileResult } from '@/lib/tools/types';
import { n, plural, type ResultNotice } from '@/lib/viz/notices-base';
import { safeText } from '@/lib/cli/text';
import { statsLine } from '@/lib/results/kinds/common';

export function profileNotices(result: ProfileResult): ResultNotice[] {
  const out: ResultNotice[] = [];
  if (result.samplesCounted !== null && result.samplesCounted > result.samplesInTree) {
    const d = result.samplesCounted - result.samplesInTree;
    out.push({ level: 'warn', id: 'not-received', text: `${plural(d, 'sample')} counted in the kernel ${d === 1 ? 'was' : 'were'} not received.` });
  }
  if (result.pruned) {
    const p = result.pruned;
    out.push({
      level: 'info',
      id: 'pruned',
      text: `Pruned for display: ${n(p.nodesBefore)} → ${n(p.nodesAfter)} frames (cap ${n(p.maxNodes)} frames${p.minShare > 0 ? `; frames under ${(p.minShare * 100).toFixed(2)}% of samples dropped` : ''}; dropped frames' samples stay in their parents' totals).`,
    });
  }
  return out;
}

export const profileKind: ResultKindDescriptor<ProfileResult, 'flamegraph'> = {
  kind: 'profile',
  viz: 'flamegraph',
  label: 'Flame graph',
  summary(p) {
    const lines = [`${p.samplesInTree} samples in the flame graph (kernel count ${p.samplesCounted ?? 'n/a'}) at ${p.sampleHz} Hz; ${statsLine(p.stats)}`];
    for (const proc of p.processes.slice(0, 10)) lines.push(`  ${String(proc.samples).padStart(8)}  ${proc.pid}  ${safeText(proc.comm)}`);
    return lines;
  },
  notices: profileNotices,
  csv: () => null,
  isEmpty: (p) => p.samplesInTree === 0 && p.samplesCounted === null,
  exportFormats: ['folded', 'pprof', 'svg'],
  compare: 'profile',
};
