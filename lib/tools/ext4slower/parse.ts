/**
 * Parser of bpftrace-tools/ext4slower.bt and ext4slower.kprobe.bt output (protocol in their headers):
 *   printf "H\x1f<variant>\x1f<min_latency_ms>\n"                                   once
 *   printf "E\x1f<type>\x1f<elapsed_ns>\x1f<pid>\x1f<tid>\x1f<latency_ns>\x1f<ret>\x1f<offset>\x1f<dev>\x1f
 *           <ino>\x1f<levels>\x1f<complete>\x1f<len0>\x1f<len1>\x1f<len2>\x1f<comm>\x1f<name2>/<name1>/<name0>\n"
 *   @ops_r / @ops_w / @ops_o / @ops_s = ext4 operations timed, @slow = E lines emitted      at exit
 * into an event table. Pure and incremental: rows are kept up to maxRows, the rest only counted.
 *
 * Only comm and the names can hold \x1f. When a line has more fields than the protocol, every way of
 * splitting the free text into comm + path is tried, and the name lengths the script printed (and
 * comm's 15-byte limit) pick the one that fits. If several fit, the row keeps the reading that gives
 * the surplus to the path, and is counted in `ambiguousRows`.
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import type { EventColumn, EventTableResult, ResultStats, ToolParser } from '@/lib/tools/types';
import { createEventRows, DEFAULT_SNAPSHOT_ROWS } from '@/lib/tools/event-rows';
import { intField } from '@/lib/tools/fields';
import { countRecord } from '@/lib/tools/record-stats';

export const EXT4SLOWER_DEFAULT_MAX_ROWS = 100_000;
const SEP = '\x1f';
/** E + type + 13 numbers, then comm and the path */
const FIXED_FIELDS = 15;
const FIELDS = FIXED_FIELDS + 2;
/** path components the scripts print (name0 = the file, name1, name2 = its parents) */
const PATH_NAMES = 3;
/** TASK_COMM_LEN - 1 */
const COMM_MAX_BYTES = 15;
/** str() cuts at BPFTRACE_STRLEN - 1 bytes; no sane setting is below this (default 64 -> 63) */
const MIN_CUT_BYTES = 15;
const TYPES = new Set(['R', 'W', 'O', 'S']);

export type Ext4OpType = 'R' | 'W' | 'O' | 'S';

export interface Ext4SlowerResult extends EventTableResult {
  /** the threshold the script was built with (its H line), ms; null if the line was not seen */
  thresholdMs: number | null;
  /** 'tracepoint' | 'kprobe', from the H line */
  variant: string | null;
  /** ext4 operations timed in the kernel (slow or not), per type; null until the exit maps arrive */
  opsTraced: Record<Ext4OpType, number> | null;
  /** E lines the kernel emitted (@slow): rows seen + lost events should add up to it */
  slowCounted: number | null;
  /** rows whose comm/path split was not unique (a \x1f in both, see the header) */
  ambiguousRows: number;
}

export const EXT4SLOWER_COLUMNS: EventColumn[] = [
  { key: 'timeSec', label: 'Time', type: 'time', description: 'when the operation ended, seconds since tracing started' },
  { key: 'latencyMs', label: 'Latency', type: 'duration_ms' },
  { key: 'comm', label: 'Comm', type: 'string', description: 'process (thread) name' },
  {
    key: 'file',
    label: 'File',
    type: 'string',
    description:
      'the file and up to two parent directories, from the root of its ext4 filesystem ("/…" = from that root, "…/" = deeper); the mount point is not known. "…" after a name: cut at bpftrace\'s string length.',
  },
  { key: 'type', label: 'T', type: 'string', description: 'R read, W write, O open, S fsync (ext4_sync_file)' },
  { key: 'bytes', label: 'Bytes', type: 'bytes', description: 'bytes read or written (R/W); empty for O/S and errors' },
  { key: 'errno', label: 'Errno', type: 'errno', description: 'the error the operation returned, if any' },
  { key: 'pid', label: 'PID', type: 'int' },
  { key: 'tid', label: 'TID', type: 'int' },
  { key: 'offsetBytes', label: 'Offset', type: 'bytes', description: 'file offset at the start of the read or write' },
  { key: 'dev', label: 'Dev', type: 'string', description: 'device of the filesystem, major:minor' },
  { key: 'ino', label: 'Inode', type: 'int' },
];

export interface Ext4SlowerParserOptions {
  maxRows?: number;
}

/** One parsed E line (before it becomes a table row). */
export interface Ext4SlowEvent {
  type: Ext4OpType;
  elapsedNs: number;
  pid: number;
  tid: number;
  latencyNs: number;
  ret: number;
  offset: number;
  dev: number;
  ino: number;
  levels: number;
  complete: boolean;
  /** true byte lengths of name0 (the file), name1, name2 */
  lens: [number, number, number];
  comm: string;
  /** name0 (the file), name1, name2 as printed (possibly cut); only the first `levels` are real */
  names: string[];
  /** the comm/path split was not unique */
  ambiguous: boolean;
}

/** Byte length of a decoded name: the decoder shows an invalid byte >= 0x80 as the 4 chars `\xNN`. */
export function printedByteLength(s: string): number {
  const escapes = s.match(/\\x[89a-f][0-9a-f]/g)?.length ?? 0;
  return Buffer.byteLength(s, 'utf8') - 3 * escapes;
}

/** The real names of a path field, file first, or null if it does not have the protocol's shape. */
export function splitPathField(path: string, levels: number): string[] | null {
  const parts = path.split('/');
  // Above the filesystem root the script prints the root's own name "/", adding one empty part each.
  const expected = levels === 0 ? null : levels + 2 * (PATH_NAMES - levels);
  if (expected !== null && parts.length !== expected) return null;
  if (expected === null && parts.length < PATH_NAMES) return null;
  const real = levels === 0 ? [] : parts.slice(parts.length - levels);
  return real.reverse();
}

/** Does this reading of the free text fit the lengths the script printed? */
function fits(comm: string, names: string[], lens: readonly number[]): boolean {
  if (printedByteLength(comm) > COMM_MAX_BYTES) return false;
  let cutAt: number | null = null;
  for (let i = 0; i < names.length; i++) {
    const n = printedByteLength(names[i]);
    if (n > lens[i]) return false;
    if (n < lens[i]) {
      // cut by str() at BPFTRACE_STRLEN - 1 bytes: the same length for every cut name of a line
      if (n < MIN_CUT_BYTES || (cutAt !== null && n !== cutAt)) return false;
      cutAt = n;
    }
  }
  return true;
}

/** Parse one E line (without the trailing newline); null if it does not follow the protocol. */
export function parseEventLine(line: string): Ext4SlowEvent | null {
  const parts = line.split(SEP);
  if (parts.length < FIELDS || parts[0] !== 'E' || !TYPES.has(parts[1])) return null;
  const nums: number[] = [];
  for (let i = 2; i < FIXED_FIELDS; i++) {
    const n = intField(parts[i]);
    if (n === null) return null;
    nums.push(n);
  }
  const [elapsedNs, pid, tid, latencyNs, ret, offset, dev, ino, levels, complete, len0, len1, len2] = nums;
  if (levels < 0 || levels > PATH_NAMES || (complete !== 0 && complete !== 1)) return null;
  const lens: [number, number, number] = [len0, len1, len2];

  const free = parts.slice(FIXED_FIELDS);
  let comm = free[0];
  let names: string[] | null = splitPathField(free.slice(1).join(SEP), levels);
  let ambiguous = false;
  if (free.length > 2) {
    // A \x1f inside comm or a name: try each split, keep the ones that fit the printed lengths.
    const readings: Array<{ comm: string; names: string[] }> = [];
    for (let j = 1; j < free.length; j++) {
      const c = free.slice(0, j).join(SEP);
      const n = splitPathField(free.slice(j).join(SEP), levels);
      if (n && fits(c, n, lens)) readings.push({ comm: c, names: n });
    }
    if (readings.length === 1) {
      comm = readings[0].comm;
      names = readings[0].names;
    } else {
      // none or several fit: surplus to the path (the default reading), flagged
      ambiguous = true;
    }
  }
  if (!names) return null;
  return {
    type: parts[1] as Ext4OpType,
    elapsedNs,
    pid,
    tid,
    latencyNs,
    ret,
    offset,
    dev,
    ino,
    levels,
    complete: complete === 1,
    lens,
    comm,
    names,
    ambiguous,
  };
}

/** "major:minor" of a kernel dev_t (MINORBITS = 20). */
export function formatDev(dev: number): string {
  return `${Math.floor(dev / 2 ** 20)}:${dev % 2 ** 20}`;
}

/** The file column: "/a/b/file" from the filesystem root, "…/a/b/file" when deeper; null if unknown. */
export function formatPath(ev: Pick<Ext4SlowEvent, 'levels' | 'complete' | 'names' | 'lens'>): string | null {
  if (ev.levels === 0) return null;
  const shown: string[] = [];
  for (let i = ev.levels - 1; i >= 0; i--) {
    const name = ev.names[i];
    shown.push(printedByteLength(name) < ev.lens[i] ? `${name}…` : name);
  }
  return (ev.complete ? '/' : '…/') + shown.join('/');
}

export function eventToRow(ev: Ext4SlowEvent): Record<string, string | number | null> {
  const rw = ev.type === 'R' || ev.type === 'W';
  return {
    timeSec: ev.elapsedNs / 1e9,
    comm: ev.comm,
    pid: ev.pid,
    tid: ev.tid,
    type: ev.type,
    bytes: rw && ev.ret >= 0 ? ev.ret : null,
    offsetBytes: rw ? ev.offset : null,
    latencyMs: ev.latencyNs / 1e6,
    file: formatPath(ev),
    errno: ev.ret < 0 ? -ev.ret : null,
    dev: formatDev(ev.dev),
    ino: ev.ino,
  };
}

const OPS_MAPS: Record<string, Ext4OpType> = { '@ops_r': 'R', '@ops_w': 'W', '@ops_o': 'O', '@ops_s': 'S' };

export function createExt4SlowerParser(opts: Ext4SlowerParserOptions = {}): ToolParser<Ext4SlowerResult> {
  const maxRows = opts.maxRows ?? EXT4SLOWER_DEFAULT_MAX_ROWS;
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const rows = createEventRows(maxRows);
  let unparsedEvents = 0;
  let ambiguousRows = 0;
  let thresholdMs: number | null = null;
  let variant: string | null = null;
  let opsTraced: Record<Ext4OpType, number> | null = null;
  let slowCounted: number | null = null;

  const onPrintf = (text: string) => {
    const line = text.endsWith('\n') ? text.slice(0, -1) : text;
    if (line.startsWith(`H${SEP}`)) {
      const [, v, ms] = line.split(SEP);
      const n = intField(ms ?? '');
      if (n === null || !v) unparsedEvents++;
      else {
        variant = v;
        thresholdMs = n;
      }
      return;
    }
    const ev = parseEventLine(line);
    if (!ev) {
      unparsedEvents++;
      return;
    }
    if (ev.ambiguous) ambiguousRows++;
    rows.add(eventToRow(ev));
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'printf':
        onPrintf(rec.text);
        return;
      case 'map':
        if (rec.keyed || typeof rec.value !== 'number') return;
        if (rec.name === '@slow') slowCounted = rec.value;
        else if (OPS_MAPS[rec.name]) {
          opsTraced ??= { R: 0, W: 0, O: 0, S: 0 };
          opsTraced[OPS_MAPS[rec.name]] = rec.value;
        }
        return;
      default:
        return;
    }
  };

  /** `latest`: only the last that many rows (snapshots) */
  const result = (latest?: number): Ext4SlowerResult => ({
    kind: 'events',
    columns: EXT4SLOWER_COLUMNS,
    ...rows.view(latest),
    unparsedEvents,
    stats: { ...stats },
    thresholdMs,
    variant,
    opsTraced: opsTraced ? { ...opsTraced } : null,
    slowCounted,
    ambiguousRows,
  });

  return { push, snapshot: () => result(DEFAULT_SNAPSHOT_ROWS), finish: () => result() };
}
