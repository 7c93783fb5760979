import type { BtRecord } from '@/lib/bpftrace/types';

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
}
