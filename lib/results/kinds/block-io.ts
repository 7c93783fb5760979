/** biosnoop: the event table plus a time x disk-offset heat map. */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import type { BlockIoResult } from '@/lib/tools/types';
import { plural } from '@/lib/viz/notices-base';
import { eventCsv, eventNotices, eventSummary } from '@/lib/results/kinds/common';

export const blockIoKind: ResultKindDescriptor<BlockIoResult, 'block-io'> = {
  kind: 'block-io',
  viz: 'block-io',
  label: 'Block I/O (table and offset heat map)',
  summary: eventSummary,
  notices(result) {
    const out = eventNotices(result);
    const s = result.stats;
    if (result.eventsCounted != null && result.eventsCounted > result.eventsSeen + s.lostEvents) {
      const missing = result.eventsCounted - result.eventsSeen - s.lostEvents;
      out.push({ level: 'warn', id: 'not-received', text: `${plural(missing, 'I/O')} counted in the kernel ${missing === 1 ? 'was' : 'were'} not received.` });
    }
    if (result.unmatched != null && result.unmatched > 0) {
      out.push({
        level: 'info',
        id: 'unmatched',
        text: `${plural(result.unmatched, 'completion')} of I/O issued before tracing began ${result.unmatched === 1 ? 'is' : 'are'} not shown.`,
      });
    }
    return out;
  },
  csv: eventCsv,
  isEmpty: (r) => r.eventsSeen === 0,
  exportFormats: ['csv'],
  compare: null,
};
