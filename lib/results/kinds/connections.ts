/** tcplife: the session table plus a graph of endpoints. */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import type { ConnectionsResult } from '@/lib/tools/types';
import { eventCsv, eventNotices, eventSummary } from '@/lib/results/kinds/common';

export const connectionsKind: ResultKindDescriptor<ConnectionsResult, 'connections'> = {
  kind: 'connections',
  viz: 'connections',
  label: 'Connections (table and graph)',
  summary: eventSummary,
  notices: eventNotices,
  csv: eventCsv,
  isEmpty: (r) => r.eventsSeen === 0,
  exportFormats: ['csv'],
  compare: null,
};
