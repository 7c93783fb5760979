/**
 * Parser of bpftrace-tools/execsnoop.bt and execsnoop.nobtf.bt output (protocol in their headers):
 *   printf "A\x1f<pid>\x1f<id>\x1f<index>\x1f<chunk>\x1f<w>\x1f<text>"       per chunk of the path (index -1)
 *                                                                           and of each argument, at sys_enter
 *   printf "R\x1f<pid>\x1f<id>\x1f<nargs>\x1f<ppid>\x1f<uid>\x1f<ret>\x1f<comm>"  at sys_exit
 *   @execs = execs entered, counted in the kernel                         every second and at exit
 * into an event table, one row per exec.
 *
 * An exec's records are paired by (pid, id). They may arrive in any order (exec can move a task to
 * another CPU and bpftrace reads each CPU's buffer in turn), so an exec waits, bounded, until its R record
 * and every chunk it announces are in; then it becomes a row. What is still waiting at the end becomes a
 * row too, marked in `notes`: nothing is dropped silently.
 * Pure and incremental: rows are kept up to maxRows (the rest only counted; snapshot() carries only the
 * latest snapshotRows of them, for the live view), waiting execs up to
 * maxPending (the oldest is flushed as incomplete beyond that).
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import type { EventCellValue, EventColumn, EventTableResult, ResultStats, ToolParser } from '@/lib/tools/types';
import {
  assembleChunks,
  chainEnded,
  intField,
  MAX_CHUNKS,
  MAX_STRING_BYTES,
  splitRecord,
  type AssembledString,
  type ChunkPiece,
} from '@/lib/tools/execsnoop/chunks';
import { createEventRows, DEFAULT_SNAPSHOT_ROWS } from '@/lib/tools/event-rows';
import { countRecord } from '@/lib/tools/record-stats';

export const EXECSNOOP_DEFAULT_MAX_ROWS = 100_000;
export const EXECSNOOP_DEFAULT_MAX_PENDING = 1024;
/** arguments the scripts print at most; nargs = MAX_ARGS + 1 means more were given */
export const EXECSNOOP_MAX_ARGS = 20;
/** A pid id index chunk w (then the text) */
const A_FIXED = 6;
/** R pid id nargs ppid uid ret (then comm) */
const R_FIXED = 7;
/** index of the path in A records */
const PATH_INDEX = -1;
/** a chunk text longer than this (chars) is not from the scripts (at most 159 bytes, 4 chars each) */
const MAX_CHUNK_CHARS = 4 * 160;

export const EXECSNOOP_COLUMNS: EventColumn[] = [
  { key: 'timeSec', label: 'Time', type: 'time', description: 'when execve() was entered, seconds since tracing started' },
  { key: 'comm', label: 'Comm', type: 'string', description: "process name after the exec (the caller's, if it failed)" },
  { key: 'path', label: 'Path', type: 'string', description: 'the file passed to execve() (argv[0] may differ)' },
  {
    key: 'args',
    label: 'Arguments',
    type: 'string',
    description:
      "argv, quoted like a shell would need it ('a b', '' for an empty argument, $'\\t' and $'\\xff' for control and non-UTF-8 bytes). Exact unless Notes says otherwise.",
  },
  { key: 'ret', label: 'Ret', type: 'errno', description: '0, or -errno when the exec failed' },
  { key: 'pid', label: 'PID', type: 'int' },
  { key: 'ppid', label: 'PPID', type: 'int', description: 'parent process id (empty: unknown, see the tool notes)' },
  { key: 'uid', label: 'UID', type: 'int', description: 'real user id of the caller' },
  { key: 'notes', label: 'Notes', type: 'string', description: 'what is incomplete about this row, if anything' },
];

/** Hidden (not a column): the exact argv as a JSON array of strings, for export and tests. */
export const EXECSNOOP_ARGV_KEY = 'argv';

export interface ExecsnoopResult extends EventTableResult {
  /** execs entered, counted in the kernel (@execs); null until printed */
  execsCounted: number | null;
  /**
   * execs the kernel counted that became no row (execsCounted - eventsSeen, at least 0): their records
   * lost in the perf buffer (see stats.lostEvents), or still unread when bpftrace stopped (it does not
   * drain its buffers on SIGINT). null while execsCounted is.
   */
  notReceived: number | null;
  /** rows with something missing or cut (see each row's notes) */
  incompleteRows: number;
  /** exec returns whose argument records never arrived (lost) */
  orphanReturns: number;
  /** execs still waiting for records when the snapshot was taken (not rows yet) */
  pendingExecs: number;
  /** the limits the scripts work within */
  limits: { maxArgs: number; maxArgBytes: number };
}

export interface ExecsnoopParserOptions {
  maxRows?: number;
  /** rows in a snapshot() (live view): the latest ones; finish() returns all kept rows */
  snapshotRows?: number;
  maxPending?: number;
}

interface ExecReturn {
  nargs: number;
  ppid: number | null;
  uid: number;
  ret: number;
  comm: string;
}

interface PendingExec {
  pid: number;
  idNs: number;
  /** chunks by string index (PATH_INDEX, 0..MAX_ARGS-1) */
  strings: Map<number, Array<ChunkPiece | undefined>>;
  ret: ExecReturn | null;
}

// ---------------------------------------------------------------------------------------------
// Display

const PLAIN_ARG_RE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const NEEDS_ANSI_C_RE = /[\x00-\x1f\x7f']|\\x[89a-f][0-9a-f]/;

/**
 * One argument quoted so a POSIX shell (bash) would read back the same bytes: plain words as they are,
 * '' for an empty one, '...' for spaces and quotes, $'...' for control characters and for the decoder's
 * `\xNN` escapes of non-UTF-8 bytes (which $'...' turns back into those bytes).
 */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (PLAIN_ARG_RE.test(arg)) return arg;
  if (!NEEDS_ANSI_C_RE.test(arg)) return `'${arg}'`;
  let out = "$'";
  for (let i = 0; i < arg.length; i++) {
    const ch = arg[i];
    const c = arg.charCodeAt(i);
    if (ch === '\\') {
      // the decoder's byte escape stays an escape; any other backslash is a literal one
      if (/^\\x[89a-f][0-9a-f]$/.test(arg.slice(i, i + 4))) {
        out += arg.slice(i, i + 4);
        i += 3;
      } else out += '\\\\';
    } else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Records

export interface ArgChunkRecord {
  kind: 'A';
  pid: number;
  /** the exec's key with pid (elapsed ns at sys_enter, as printed) */
  id: string;
  idNs: number;
  index: number;
  chunk: number;
  w: number;
  text: string;
}

export interface ReturnRecord extends ExecReturn {
  kind: 'R';
  pid: number;
  id: string;
  idNs: number;
}

/** Parse one printf text of the execsnoop protocol; null if it is not one (or is malformed). */
export function parseExecsnoopLine(text: string): ArgChunkRecord | ReturnRecord | null {
  if (text.startsWith('A\x1f')) {
    const r = splitRecord(text, A_FIXED);
    if (!r) return null;
    const [, pidS, idS, indexS, chunkS, wS] = r.fields;
    const pid = intField(pidS);
    const idNs = intField(idS);
    const index = intField(indexS);
    const chunk = intField(chunkS);
    const w = intField(wS);
    if (pid === null || idNs === null || index === null || chunk === null || w === null) return null;
    if (index < PATH_INDEX || index >= EXECSNOOP_MAX_ARGS || chunk < 0 || chunk >= MAX_CHUNKS || w < 0) return null;
    if (r.rest.length > MAX_CHUNK_CHARS) return null;
    return { kind: 'A', pid, id: idS, idNs, index, chunk, w, text: r.rest };
  }
  if (text.startsWith('R\x1f')) {
    const r = splitRecord(text, R_FIXED);
    if (!r) return null;
    const [, pidS, idS, nargsS, ppidS, uidS, retS] = r.fields;
    const pid = intField(pidS);
    const idNs = intField(idS);
    const nargs = intField(nargsS);
    const ppid = intField(ppidS);
    const uid = intField(uidS);
    const ret = intField(retS);
    if (pid === null || idNs === null || nargs === null || ppid === null || uid === null || ret === null) return null;
    if (nargs < 0 || nargs > EXECSNOOP_MAX_ARGS + 1) return null;
    // the nobtf variant prints -1 for a parent it did not see fork
    return { kind: 'R', pid, id: idS, idNs, nargs, ppid: ppid < 0 ? null : ppid, uid, ret, comm: r.rest };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Pairing and rows

function argCount(ret: ExecReturn | null, strings: Map<number, unknown>): number {
  if (ret) return Math.min(ret.nargs, EXECSNOOP_MAX_ARGS);
  // no return seen: the arguments received, up to the first gap
  let n = 0;
  while (strings.has(n)) n++;
  return n;
}

function isComplete(p: PendingExec): boolean {
  if (!p.ret) return false;
  const path = p.strings.get(PATH_INDEX);
  if (!path || !chainEnded(path)) return false;
  for (let i = 0; i < argCount(p.ret, p.strings); i++) {
    const s = p.strings.get(i);
    if (!s || !chainEnded(s)) return false;
  }
  return true;
}

function describeCut(name: string, a: AssembledString): string | null {
  switch (a.cut) {
    case null:
      return null;
    case 'limit':
      return `${name} cut at ${MAX_STRING_BYTES} bytes`;
    case 'lost':
      return a.chunks === 0 ? `${name} lost` : `${name} incomplete (records lost)`;
    case 'short':
      return `${name} cut: bpftrace read short strings (BPFTRACE_STRLEN not applied?)`;
  }
}

export function buildExecRow(p: PendingExec): { row: Record<string, EventCellValue>; incomplete: boolean } {
  const notes: string[] = [];
  const pathPieces = p.strings.get(PATH_INDEX);
  const path = pathPieces ? assembleChunks(pathPieces) : null;
  if (path) {
    const why = describeCut('path', path);
    if (why) notes.push(why);
  }
  const argv: string[] = [];
  const n = argCount(p.ret, p.strings);
  for (let i = 0; i < n; i++) {
    const pieces = p.strings.get(i);
    const a = pieces ? assembleChunks(pieces) : { text: '', cut: 'lost' as const, chunks: 0 };
    argv.push(a.text);
    const why = describeCut(`argv[${i}]`, a);
    if (why) notes.push(why);
  }
  if (!p.strings.size) notes.unshift('path and argv lost');
  if (p.ret && p.ret.nargs > EXECSNOOP_MAX_ARGS) notes.push(`more than ${EXECSNOOP_MAX_ARGS} arguments: the rest not shown`);
  if (!p.ret) notes.push('no return seen (still in exec at the end, or its record was lost): argv as received');
  const row: Record<string, EventCellValue> = {
    timeSec: p.idNs / 1e9,
    comm: p.ret ? p.ret.comm : null,
    pid: p.pid,
    ppid: p.ret ? p.ret.ppid : null,
    uid: p.ret ? p.ret.uid : null,
    ret: p.ret ? p.ret.ret : null,
    args: formatArgv(argv),
    path: path ? path.text : null,
    notes: notes.join('; '),
    [EXECSNOOP_ARGV_KEY]: JSON.stringify(argv),
  };
  return { row, incomplete: notes.length > 0 };
}

export function createExecsnoopParser(opts: ExecsnoopParserOptions = {}): ToolParser<ExecsnoopResult> {
  const maxRows = opts.maxRows ?? EXECSNOOP_DEFAULT_MAX_ROWS;
  const snapshotRows = Math.max(0, opts.snapshotRows ?? DEFAULT_SNAPSHOT_ROWS);
  const maxPending = Math.max(1, opts.maxPending ?? EXECSNOOP_DEFAULT_MAX_PENDING);
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const rows = createEventRows(maxRows);
  /** by `${pid}:${id}`, in arrival order (Map keeps it: the first key is the oldest) */
  const pending = new Map<string, PendingExec>();
  let unparsedEvents = 0;
  let incompleteRows = 0;
  let orphanReturns = 0;
  let execsCounted: number | null = null;

  const emit = (key: string, p: PendingExec) => {
    pending.delete(key);
    const { row, incomplete } = buildExecRow(p);
    if (incomplete) incompleteRows++;
    if (p.ret && p.strings.size === 0) orphanReturns++;
    rows.add(row);
  };

  const pendingFor = (pid: number, id: string, idNs: number): [string, PendingExec] => {
    const key = `${pid}:${id}`;
    let p = pending.get(key);
    if (!p) {
      if (pending.size >= maxPending) {
        const [oldKey, old] = pending.entries().next().value as [string, PendingExec];
        emit(oldKey, old);
      }
      p = { pid, idNs, strings: new Map(), ret: null };
      pending.set(key, p);
    }
    return [key, p];
  };

  const onPrintf = (text: string) => {
    const rec = parseExecsnoopLine(text);
    if (!rec) {
      unparsedEvents++;
      return;
    }
    const [key, p] = pendingFor(rec.pid, rec.id, rec.idNs);
    if (rec.kind === 'A') {
      let pieces = p.strings.get(rec.index);
      if (!pieces) {
        pieces = [];
        p.strings.set(rec.index, pieces);
      }
      pieces[rec.chunk] = { text: rec.text, w: rec.w };
    } else {
      if (p.ret) {
        unparsedEvents++; // a second return for the same exec: not from the scripts
        return;
      }
      p.ret = { nargs: rec.nargs, ppid: rec.ppid, uid: rec.uid, ret: rec.ret, comm: rec.comm };
    }
    if (isComplete(p)) emit(key, p);
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'printf':
        onPrintf(rec.text);
        return;
      case 'map':
        // a running total, never cleared: the latest print is the count so far
        if (rec.name === '@execs' && !rec.keyed && typeof rec.value === 'number') execsCounted = rec.value;
        return;
      default:
        return;
    }
  };

  /** `latest`: only the last that many rows (snapshots); maxRows then says so */
  const result = (latest?: number): ExecsnoopResult => ({
    kind: 'events',
    columns: EXECSNOOP_COLUMNS,
    ...rows.view(latest),
    unparsedEvents,
    stats: { ...stats },
    execsCounted,
    notReceived: execsCounted === null ? null : Math.max(0, execsCounted - rows.eventsSeen),
    incompleteRows,
    orphanReturns,
    pendingExecs: pending.size,
    limits: { maxArgs: EXECSNOOP_MAX_ARGS, maxArgBytes: MAX_STRING_BYTES },
  });

  const finish = (): ExecsnoopResult => {
    for (const [key, p] of [...pending]) emit(key, p);
    return result();
  };

  return { push, snapshot: () => result(snapshotRows), finish };
}
