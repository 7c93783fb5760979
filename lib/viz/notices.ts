/**
 * What a result is missing, in plain words: lost events, rows past the row cap, unparsed records,
 * pruned frames. A partial result must say so where it is drawn, never look complete. Pure.
 * The kind-specific notices are the kind's descriptor's (lib/results/kinds/); the ones every result
 * carries (lost events, malformed lines, helper errors) are added here.
 */
import { descriptorOf } from '@/lib/results/registry';
import type { ToolResult } from '@/lib/tools/types';
import { plural, type ResultNotice } from '@/lib/viz/notices-base';

export type { ResultNotice } from '@/lib/viz/notices-base';

export function resultNotices(result: ToolResult): ResultNotice[] {
  const out: ResultNotice[] = [];
  const s = result.stats;
  if (s.lostEvents > 0) {
    out.push({
      level: 'warn',
      id: 'lost-events',
      text: `${plural(s.lostEvents, 'event')} lost: the kernel produced them but bpftrace's buffer was full, so they are missing here.`,
    });
  }
  const d = descriptorOf(result);
  if (d) out.push(...d.notices(result));
  if (s.malformedLines > 0)
    out.push({ level: 'warn', id: 'malformed', text: `${plural(s.malformedLines, 'output line')} could not be read (kept in the raw output).` });
  if (s.helperErrors > 0)
    out.push({
      level: 'warn',
      id: 'helper-errors',
      text: `bpftrace reported ${plural(s.helperErrors, 'helper error')} (map updates that failed): counts may be low.`,
    });
  return out;
}
