import type { BtRecord } from '@/lib/bpftrace/types';
import type { ResultStats } from '@/lib/tools/types';

/**
 * Counts a record into the stats every result carries. Returns true for the bookkeeping records
 * (lost_events, malformed lines, helper errors), which no parser looks at further.
 */
export function countRecord(stats: ResultStats, rec: BtRecord): boolean {
  stats.records++;
  switch (rec.type) {
    case 'lost_events':
      stats.lostEvents += rec.events;
      return true;
    case 'malformed':
      stats.malformedLines++;
      return true;
    case 'helper_error':
      stats.helperErrors++;
      return true;
    default:
      return false;
  }
}
