/**
 * Normalized records of `bpftrace -f json` output, the same for every bpftrace version we support
 * (0.17 .. 0.23+). See ../shared/bpftrace/FORMAT.md for the raw shapes and their traps.
 *
 * All strings here are already repaired: `\uffffffXX` byte escapes restored, UTF-8 re-decoded
 * (invalid bytes kept visible as `\xNN`), and 0.23's doubly escaped map keys unescaped once more.
 */

/** One histogram bucket; `min` absent = "below range", `max` absent = "at or above range". */
export interface HistBucket {
  min?: number;
  max?: number;
  count: number;
}

export type Scalar = number | string;

/** stats(): per key or unkeyed. */
export interface StatsValue {
  count: number;
  average: number;
  total: number;
}

export type BtRecord =
  | { type: 'attached_probes'; probes: number }
  | { type: 'printf'; text: string }
  | { type: 'join'; text: string }
  | { type: 'time'; text: string }
  | { type: 'value'; value: Scalar }
  /** count/sum/min/max/avg and assignments: unkeyed (`keyed: false`, `value`) or keyed (`entries`). */
  | { type: 'map'; name: string; keyed: false; value: Scalar }
  | { type: 'map'; name: string; keyed: true; entries: Array<[key: string, value: Scalar]> }
  | { type: 'stats'; name: string; keyed: false; value: StatsValue | number }
  | { type: 'stats'; name: string; keyed: true; entries: Array<[key: string, value: StatsValue | number]> }
  | { type: 'hist'; name: string; keyed: false; buckets: HistBucket[] }
  | { type: 'hist'; name: string; keyed: true; entries: Array<[key: string, buckets: HistBucket[]]> }
  | { type: 'lost_events'; events: number }
  | { type: 'helper_error'; helper: string; retcode: number; msg?: string; line?: number; col?: number }
  /** A well-formed JSON line of a type this decoder does not know (kept, never dropped silently). */
  | { type: 'unknown'; rawType: string; raw: unknown }
  /** A line that is not valid JSON or not a record: kept (truncated to a bounded length) with the reason. */
  | { type: 'malformed'; line: string; reason: string };

export interface DecoderOptions {
  /**
   * bpftrace >= 0.23 escapes map keys twice. `true`/`false` force it; `'auto'` (default) decides from
   * the first map record whose keys disambiguate it (stack keys, escaped quotes), else from `version`.
   */
  doubleEscapedKeys?: boolean | 'auto';
  /** bpftrace version as printed by `bpftrace --version` ("v0.17.0"), if known. */
  version?: string;
  /** Lines longer than this many bytes become `malformed` records (default 16 MiB). */
  maxLineBytes?: number;
}
