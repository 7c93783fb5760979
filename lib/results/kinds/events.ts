/** Event tables: execsnoop, opensnoop, ext4slower, tcpretrans. */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import type { EventTableResult } from '@/lib/tools/types';
import { eventCsv, eventNotices, eventSummary } from '@/lib/results/kinds/common';

export const eventsKind: ResultKindDescriptor<EventTableResult, 'event-table'> = {
  kind: 'events',
  viz: 'event-table',
  label: 'Event table',
  summary: eventSummary,
  notices: eventNotices,
  csv: eventCsv,
  isEmpty: (r) => r.eventsSeen === 0,
  exportFormats: ['csv'],
  compare: null,
};
