import type { BtRecord, HistBucket } from '@/lib/bpftrace/types';
import type { GenericResult } from '@/lib/tools/generic/types';

/**
 * A tool parser turns the decoded record stream of one run into a typed result, incrementally:
 * records are pushed one at a time (a run may produce millions), `snapshot()` gives a bounded partial
 * result for live progress, `finish()` the final one. Parsers are pure: no I/O, no clock.
 */
export interface ToolParser<TResult> {
  push(record: BtRecord): void;
  snapshot(): TResult;
  finish(): TResult;
}

/** Counters every result carries, so a partial or lossy result says so. */
export interface ResultStats {
  /** records received (all types) */
  records: number;
  /** sum of `lost_events` records: events the kernel produced that bpftrace dropped */
  lostEvents: number;
  /** lines that were not valid records (kept in the raw output, counted here) */
  malformedLines: number;
  /** helper errors reported by bpftrace (map update/delete failures) */
  helperErrors: number;
}

/** A flame graph node in the shape d3-flame-graph reads: `value` is inclusive (self + children). */
export interface StackNode {
  name: string;
  value: number;
  /** kernel/user frame, process (comm) level, or the root */
  kind: 'root' | 'process' | 'user' | 'kernel';
  children: StackNode[];
}

export interface ProfileResult {
  kind: 'profile';
  sampleHz: number;
  /** samples counted in the kernel (`@samples`), if the script reported it */
  samplesCounted: number | null;
  /** samples present in the stack tree */
  samplesInTree: number;
  root: StackNode;
  /** top processes by sample count */
  processes: Array<{ pid: number; comm: string; samples: number }>;
  /** set when the tree was pruned for the browser (node cap, min share) */
  pruned: null | { nodesBefore: number; nodesAfter: number; minShare: number; maxNodes: number };
  stats: ResultStats;
  /**
   * Every distinct stack of the run, unpruned (lib/tools/profile/full-stacks.ts): what the folded and
   * pprof exports are made of. Set by the parser's finish() only (never in live snapshots), stored with
   * the result, and stripped before a result goes to the browser. Absent in results stored before it.
   */
  fullStacks?: FullStacks;
  /** what the browser gets instead of fullStacks: their size, for the note next to the downloads */
  fullStacksSummary?: { stacks: number; samples: number };
}

/** Distinct stacks, compactly: a frame table and, per stack, [samples, frame index, ...] root first. */
export interface FullStacks {
  /** "p:<comm>", "u:<user frame>", "k:<kernel frame>" */
  frames: string[];
  stacks: number[][];
  /** samples of stacks beyond the cap, folded into "<comm>;[more stacks than bpfdeck keeps]" lines */
  overflowSamples: number;
}

/* ------------------------------------------------------------------------------------------------
 * Result shapes of the other views. Each tool's parser returns one of these; the visualization
 * components (components/viz) take them as props. Units are in the field names or comments.
 * ---------------------------------------------------------------------------------------------- */

export type EventCellValue = string | number | null;

export interface EventColumn {
  key: string;
  label: string;
  /** how to show and sort it: 'time' = seconds since the run started (float) */
  type: 'time' | 'int' | 'float' | 'string' | 'bytes' | 'duration_ms' | 'errno' | 'addr';
  /** a short description for the header tooltip */
  description?: string;
}

/** Event tools (execsnoop, opensnoop, ext4slower, biosnoop, tcplife, tcpretrans). */
export interface EventTableResult {
  kind: 'events';
  columns: EventColumn[];
  /** rows in arrival order, at most `maxRows` (the first ones); each row has every column key */
  rows: Array<Record<string, EventCellValue>>;
  /** events seen (received), including rows not kept */
  eventsSeen: number;
  /** rows dropped because of the row cap (eventsSeen - rows.length) */
  rowsDropped: number;
  maxRows: number;
  /** records that looked like this tool's events but could not be parsed (kept counted, not dropped silently) */
  unparsedEvents: number;
  stats: ResultStats;
}

/** One log2 histogram of latency; bucket bounds in `unit`. */
export interface LatencyColumn {
  /** seconds since the run started, at the end of this 1 s interval */
  tSec: number;
  buckets: HistBucket[];
  count: number;
}

/** biolatency, runqlat: one histogram per second. */
export interface LatencyHeatmapResult {
  kind: 'latency-heatmap';
  unit: 'us' | 'ns' | 'ms';
  columns: LatencyColumn[];
  /** all columns summed */
  total: HistBucket[];
  count: number;
  /** estimated from the summed histogram (linear interpolation inside the log2 bucket), in `unit` */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  /** latencies the script counted in the kernel (printed at exit); null when the run did not report it */
  countedInKernel?: number | null;
  /**
   * countedInKernel - count: samples counted in the kernel but not in the histograms received (recorded
   * while a buffer was switched, or a failed map update that 0.23 reports as a helper_error); null: unknown
   */
  lostInSwitch?: number | null;
  /** ends (I/O completions, switch-ins) whose start was not seen, so not measured; null if not counted */
  unmatched?: number | null;
  /** starts whose end was not seen by exit (still in flight, or the end's program was skipped); null if not counted */
  unfinished?: number | null;
  /** records that did not fit this tool's protocol (counted, not dropped silently) */
  unparsedRecords?: number;
  /** seconds past the column cap: still in `total`, without a column of their own */
  columnsDropped?: number;
  stats: ResultStats;
}

/** biosnoop: the event table plus a time x disk-offset heat map. */
export interface BlockIoResult extends Omit<EventTableResult, 'kind'> {
  kind: 'block-io';
  offsetHeatmap: {
    /** width of a time column, s */
    binSec: number;
    /** height of an offset row, in 512-byte sectors */
    binSectors: number;
    /** lowest sector of row 0 */
    minSector: number;
    rows: number;
    /** cells[timeIndex][offsetIndex] = I/O count */
    cells: number[][];
    /** per disk (dev), if more than one */
    device: string | null;
  };
  /** events the script counted in the kernel (printed at exit): eventsSeen + stats.lostEvents should equal it */
  eventsCounted?: number | null;
  /** completions whose issue was not seen (issued before tracing, or the program was skipped): not shown; null if not counted */
  unmatched?: number | null;
  /**
   * requests seen at one end only, from the exit dump (lists capped, counts exact): issued without a
   * completion seen (in flight at exit, or the completion's program was skipped by the kernel), and
   * completed without an issue seen (issued before tracing, or the program was skipped)
   */
  halfSeen?: {
    issuedOnly: Array<{ disk: string; sector: number }>;
    issuedOnlyCount: number;
    completedOnly: Array<{ disk: string; sector: number; count: number }>;
    completedOnlyCount: number;
    /** issued again with no completion seen for the previous issue (a requeue, or a skipped completion) */
    reissued: Array<{ disk: string; sector: number; count: number }>;
    reissuedCount: number;
  };
  /** I/O count per disk, busiest first (the offset heat map shows the first) */
  devices?: Array<{ device: string; events: number }>;
}

/** cachestat: one point per second. */
export interface CacheStatPoint {
  tSec: number;
  hitsPerSec: number;
  missesPerSec: number;
  dirtiesPerSec: number;
  /** hits / (hits + misses) * 100, null when there was no access */
  hitRatioPct: number | null;
}

export interface TimeSeriesResult {
  kind: 'timeseries';
  points: CacheStatPoint[];
  /** how hits/misses are derived on this variant (text shown under the chart) */
  method: string;
  stats: ResultStats;
}

/** tcplife: the session table plus a graph of endpoints. */
export interface ConnectionsResult extends Omit<EventTableResult, 'kind'> {
  kind: 'connections';
  graph: {
    nodes: Array<{ id: string; label: string; bytes: number }>;
    edges: Array<{ source: string; target: string; connections: number; txBytes: number; rxBytes: number }>;
  };
}

export type ToolResult = ProfileResult | EventTableResult | LatencyHeatmapResult | BlockIoResult | TimeSeriesResult | ConnectionsResult | GenericResult;
