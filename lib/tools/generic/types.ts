/**
 * The generic result: what any `bpftrace -f json` program printed, each output of the program as a
 * section whose view is chosen by the output's shape (no format to pick). Bounded: every list has a
 * cap and a count of what was dropped past it.
 */
import type { HistBucket } from '@/lib/bpftrace/types';
import type { EventTableResult, LatencyHeatmapResult, ProfileResult, ResultStats } from '@/lib/tools/types';

export type GenericTable = Omit<EventTableResult, 'kind' | 'stats'>;

export type GenericSection =
  /** printf/join/time/print(value) text that did not form a table */
  | { type: 'lines'; id: string; title: string; lines: string[]; linesSeen: number; linesDropped: number }
  /** a header line followed by lines with as many fields (the upstream tools' columns) */
  | { type: 'table'; id: string; title: string; header: string; table: GenericTable }
  /** count/sum/min/max/avg maps and assignments (tuple keys split into parts); numeric values get a bar chart */
  | {
      type: 'map';
      id: string;
      name: string;
      /** number of key parts (1 for a plain key, 0 for an unkeyed map) */
      keyParts: number;
      /** every entry's value, totalled over prints (see `how`) */
      rows: Array<{ key: string; parts: string[]; value: number | string }>;
      /** map prints seen (interval + print prints it every tick) */
      prints: number;
      /** 'last': one print, or values never fell between prints (cumulative); 'sum': summed over prints (cleared between them) */
      how: 'last' | 'sum';
      entriesSeen: number;
      entriesDropped: number;
    }
  /** hist()/lhist() printed once: one histogram per key (null key = unkeyed) */
  | {
      type: 'histogram';
      id: string;
      name: string;
      hists: Array<{ key: string | null; buckets: HistBucket[]; count: number; p50: number | null; p90: number | null; p99: number | null }>;
      keysDropped: number;
    }
  /** an unkeyed hist()/lhist() printed at intervals: one column per print */
  | { type: 'heatmap'; id: string; name: string; heatmap: LatencyHeatmapResult; unitFrom: 'map name' | 'assumed' }
  /** maps keyed by kstack/ustack */
  | { type: 'flamegraph'; id: string; name: string; profile: ProfileResult }
  /** stats() (count/average/total per key) */
  | { type: 'stats'; id: string; name: string; rows: Array<{ key: string; count: number; average: number; total: number }>; entriesDropped: number };

export interface GenericResult {
  kind: 'generic';
  sections: GenericSection[];
  /** records of a type this version does not know (kept in the raw output) */
  unknownRecords: number;
  /** sections past the section cap (their records are counted, not shown) */
  sectionsDropped: number;
  stats: ResultStats;
}
