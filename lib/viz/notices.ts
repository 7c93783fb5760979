/**
 * What a result is missing, in plain words: lost events, rows past the row cap, unparsed records,
 * pruned frames. A partial result must say so where it is drawn, never look complete. Pure.
 */
import type { ToolResult } from '@/lib/tools/types';

export interface ResultNotice {
  /** 'warn': data is missing from what is drawn; 'info': drawn differently than captured */
  level: 'warn' | 'info';
  /** stable id, for tests and React keys */
  id: string;
  text: string;
}

function n(v: number): string {
  return v.toLocaleString('en-US');
}

function plural(v: number, one: string, many = `${one}s`): string {
  return `${n(v)} ${v === 1 ? one : many}`;
}

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
  switch (result.kind) {
    case 'events':
    case 'block-io':
    case 'connections': {
      if (result.rowsDropped > 0) {
        out.push({
          level: 'warn',
          id: 'rows-dropped',
          text: `Showing the first ${n(result.rows.length)} of ${n(result.eventsSeen)} events: ${plural(result.rowsDropped, 'row')} past the ${n(result.maxRows)}-row cap ${result.rowsDropped === 1 ? 'was' : 'were'} not kept.`,
        });
      }
      if (result.unparsedEvents > 0) {
        out.push({ level: 'warn', id: 'unparsed', text: `${plural(result.unparsedEvents, 'event')} could not be parsed and ${result.unparsedEvents === 1 ? 'is' : 'are'} not shown (kept in the raw output).` });
      }
      if (result.kind === 'block-io') {
        if (result.eventsCounted != null && result.eventsCounted > result.eventsSeen + s.lostEvents) {
          const missing = result.eventsCounted - result.eventsSeen - s.lostEvents;
          out.push({ level: 'warn', id: 'not-received', text: `${plural(missing, 'I/O')} counted in the kernel ${missing === 1 ? 'was' : 'were'} not received.` });
        }
        if (result.unmatched != null && result.unmatched > 0) {
          out.push({ level: 'info', id: 'unmatched', text: `${plural(result.unmatched, 'completion')} of I/O issued before tracing began ${result.unmatched === 1 ? 'is' : 'are'} not shown.` });
        }
      }
      break;
    }
    case 'latency-heatmap': {
      if (result.lostInSwitch != null && result.lostInSwitch > 0) {
        out.push({ level: 'warn', id: 'lost-in-switch', text: `${plural(result.lostInSwitch, 'latency', 'latencies')} counted in the kernel ${result.lostInSwitch === 1 ? 'was' : 'were'} not received (recorded while a histogram buffer was switched).` });
      }
      if (result.unmatched != null && result.unmatched > 0) {
        out.push({ level: 'info', id: 'unmatched', text: `${plural(result.unmatched, 'end')} whose start was not seen (begun before tracing) ${result.unmatched === 1 ? 'was' : 'were'} not measured.` });
      }
      if (result.columnsDropped && result.columnsDropped > 0) {
        out.push({ level: 'info', id: 'columns-dropped', text: `${plural(result.columnsDropped, 'second')} past the column cap ${result.columnsDropped === 1 ? 'is' : 'are'} in the totals but have no column of their own.` });
      }
      if (result.unparsedRecords && result.unparsedRecords > 0) {
        out.push({ level: 'warn', id: 'unparsed', text: `${plural(result.unparsedRecords, 'record')} did not fit this tool's output and ${result.unparsedRecords === 1 ? 'was' : 'were'} not used.` });
      }
      break;
    }
    case 'profile': {
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
      break;
    }
    case 'timeseries':
      break;
  }
  if (s.malformedLines > 0) out.push({ level: 'warn', id: 'malformed', text: `${plural(s.malformedLines, 'output line')} could not be read (kept in the raw output).` });
  if (s.helperErrors > 0) out.push({ level: 'warn', id: 'helper-errors', text: `bpftrace reported ${plural(s.helperErrors, 'helper error')} (map updates that failed): counts may be low.` });
  return out;
}
