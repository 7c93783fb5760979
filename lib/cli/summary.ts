/**
 * A short text summary of a typed result for a terminal (the full result is `--json`). Pure.
 * Text from the traced machine (comm, paths) is shown with control characters escaped, so a file
 * name cannot move the cursor or fake lines.
 */
import type { EventTableResult, LatencyHeatmapResult, ProfileResult, ResultStats, TimeSeriesResult } from '@/lib/tools/types';

const MAX_TABLE_ROWS = 20;
const MAX_CELL_CHARS = 60;

/** Control characters (and DEL, C1) as \xNN, so terminal output stays one line per row. */
export function safeText(s: string): string {
  const out = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return out.length > MAX_CELL_CHARS ? `${out.slice(0, MAX_CELL_CHARS - 1)}…` : out;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return safeText(String(v));
}

function statsLine(s: ResultStats): string {
  return `${s.records} records, ${s.lostEvents} events lost, ${s.malformedLines} malformed lines, ${s.helperErrors} helper errors`;
}

function eventsSummary(r: EventTableResult): string[] {
  const out = [`${r.eventsSeen} events (${r.rows.length} rows kept, ${r.rowsDropped} over the row cap, ${r.unparsedEvents} unparsed); ${statsLine(r.stats)}`];
  const cols = r.columns;
  const shown = r.rows.slice(0, MAX_TABLE_ROWS).map((row) => cols.map((c) => cell(row[c.key])));
  const widths = cols.map((c, i) => Math.max(c.label.length, ...shown.map((s) => s[i].length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i])).join('  ').trimEnd();
  if (shown.length) {
    out.push(line(cols.map((c) => c.label)));
    for (const s of shown) out.push(line(s));
    if (r.rows.length > shown.length) out.push(`... ${r.rows.length - shown.length} more rows (--json for all)`);
  }
  return out;
}

export function summarize(result: unknown): string {
  const r = result as { kind?: string; stats?: ResultStats };
  const lines: string[] = [];
  switch (r?.kind) {
    case 'events':
    case 'block-io':
    case 'connections':
      lines.push(...eventsSummary(result as EventTableResult));
      break;
    case 'profile': {
      const p = result as ProfileResult;
      lines.push(`${p.samplesInTree} samples in the flame graph (kernel count ${p.samplesCounted ?? 'n/a'}) at ${p.sampleHz} Hz; ${statsLine(p.stats)}`);
      for (const proc of p.processes.slice(0, 10)) lines.push(`  ${String(proc.samples).padStart(8)}  ${proc.pid}  ${safeText(proc.comm)}`);
      break;
    }
    case 'latency-heatmap': {
      const h = result as LatencyHeatmapResult;
      lines.push(`${h.count} latencies over ${h.columns.length} s: p50 ${h.p50 ?? '-'} ${h.unit}, p90 ${h.p90 ?? '-'} ${h.unit}, p99 ${h.p99 ?? '-'} ${h.unit}; ${statsLine(h.stats)}`);
      break;
    }
    case 'timeseries': {
      const t = result as TimeSeriesResult;
      lines.push(`${t.points.length} points (${t.method}); ${statsLine(t.stats)}`);
      break;
    }
    default:
      lines.push(r && typeof r === 'object' ? `result of kind ${String(r.kind)} (use --json)` : 'no result');
  }
  return lines.join('\n') + '\n';
}
