/**
 * Parser of bpftrace-tools/opensnoop*.bt output (protocol in opensnoop.bt's header):
 *   printf "O\x1f<id>\x1f<pid>\x1f<tid>\x1f<uid>\x1f<ret>\x1f<flags>\x1f<w>\x1f<comm>\x1f<path chunk 0>"
 *                                                             one per open, at sys_exit
 *   printf "C\x1f<id>\x1f<tid>\x1f<chunk>\x1f<w>\x1f<path chunk>"   more of a path longer than 159 bytes
 *   @opens = opens seen returning, counted in the kernel           every second and at exit
 * into an event table, one row per open, in arrival order. A row whose path goes on in C records is
 * kept open (bounded) and completed as they arrive; the chunks come right after their O record (same
 * program run, same CPU buffer).
 *
 * comm and the path are both free text. A record with more \x1f than the protocol has is split with
 * the surplus given to the path (a comm holding \x1f is rarer than a path holding one) and counted in
 * `ambiguousRows`.
 * Pure and incremental: rows are kept up to maxRows, the rest only counted; snapshot() carries only the
 * latest snapshotRows of them (the live view), finish() all.
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import type { EventColumn, EventTableResult, ResultStats, ToolParser } from '@/lib/tools/types';
import {
  assembleChunks,
  chainEnded,
  FIELD_SEP,
  intField,
  MAX_CHUNKS,
  MAX_STRING_BYTES,
  splitRecord,
  type AssembledString,
  type ChunkPiece,
} from '@/lib/tools/execsnoop/chunks';
import { createEventRows, DEFAULT_SNAPSHOT_ROWS } from '@/lib/tools/event-rows';
import { countRecord } from '@/lib/tools/record-stats';

export const OPENSNOOP_DEFAULT_MAX_ROWS = 100_000;
/** rows waiting for the rest of a long path; only a lost C record leaves one waiting */
export const OPENSNOOP_MAX_OPEN_PATHS = 1024;
/** O id pid tid uid ret flags w (then comm, path) */
const O_FIXED = 8;
/** C id tid chunk w (then the text) */
const C_FIXED = 5;
/** a chunk text longer than this (chars) is not from the scripts (at most 159 bytes, 4 chars each) */
const MAX_CHUNK_CHARS = 4 * 160;

export const OPENSNOOP_COLUMNS: EventColumn[] = [
  { key: 'timeSec', label: 'Time', type: 'time', description: 'when the open returned, seconds since tracing started' },
  { key: 'comm', label: 'Comm', type: 'string', description: 'process (thread) name' },
  { key: 'path', label: 'Path', type: 'string', description: 'as passed to the call (relative to the cwd or dirfd if it does not start with /)' },
  { key: 'errno', label: 'Err', type: 'errno', description: 'the error, 0 on success' },
  { key: 'fd', label: 'FD', type: 'int', description: 'the file descriptor returned, -1 on error' },
  {
    key: 'flags',
    label: 'Flags',
    type: 'string',
    description: 'open flags, x86-64 / asm-generic values (arm64 differs for O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE)',
  },
  { key: 'pid', label: 'PID', type: 'int' },
  { key: 'tid', label: 'TID', type: 'int' },
  { key: 'uid', label: 'UID', type: 'int' },
  { key: 'notes', label: 'Notes', type: 'string', description: 'what is incomplete or uncertain about this row, if anything' },
];

/** Hidden (not a column): the flags as a number. */
export const OPENSNOOP_FLAGS_RAW_KEY = 'flagsRaw';

export interface OpensnoopResult extends EventTableResult {
  /** opens seen returning, counted in the kernel (@opens); null until printed */
  opensCounted: number | null;
  /**
   * opens the kernel counted that became no row (opensCounted - eventsSeen, at least 0): lost in the perf
   * buffer (see stats.lostEvents), or still unread when bpftrace stopped (it does not drain its buffers
   * on SIGINT: seen up to ~0.1 s of events at the end). null while opensCounted is.
   */
  notReceived: number | null;
  /** rows whose comm/path split was not unique (\x1f in the text, see the header) */
  ambiguousRows: number;
  /** rows whose path is cut or incomplete (see notes) */
  incompleteRows: number;
  /** path continuation records whose open record never arrived */
  orphanChunks: number;
  limits: { maxPathBytes: number };
}

export interface OpensnoopParserOptions {
  maxRows?: number;
  /** rows in a snapshot() (live view): the latest ones; finish() returns all kept rows */
  snapshotRows?: number;
  maxOpenPaths?: number;
}

// ---------------------------------------------------------------------------------------------
// Flags

/** asm-generic/fcntl.h (x86-64) bits, in the order they are listed; O_SYNC / O_TMPFILE include another bit */
const FLAG_BITS: Array<[number, string]> = [
  [0o100, 'O_CREAT'],
  [0o200, 'O_EXCL'],
  [0o400, 'O_NOCTTY'],
  [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'],
  [0o10000, 'O_DSYNC'],
  [0o20000, 'O_ASYNC'],
  [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'],
  [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'],
  [0o4000000, '__O_SYNC'],
  [0o10000000, 'O_PATH'],
  [0o20000000, '__O_TMPFILE'],
];
const ACCESS_MODES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'];

/** flags seen -> their text: few distinct values occur, and this runs once per open */
const flagsText = new Map<number, string>();
const FLAGS_CACHE_MAX = 1024;

/** "O_WRONLY|O_CREAT|O_TRUNC"; unknown bits are appended in hex. */
export function formatOpenFlags(flags: number): string {
  let text = flagsText.get(flags);
  if (text === undefined) {
    if (flagsText.size >= FLAGS_CACHE_MAX) flagsText.clear();
    text = flagNames(flags);
    flagsText.set(flags, text);
  }
  return text;
}

function flagNames(flags: number): string {
  const names = [ACCESS_MODES[flags & 3]];
  let rest = Math.floor(flags / 4) * 4; // bits above the access mode (flags may exceed 2^31: no bitwise ops)
  for (const [bit, name] of FLAG_BITS) {
    if (Math.floor(rest / bit) % 2 === 1) {
      names.push(name);
      rest -= bit;
    }
  }
  // O_SYNC is __O_SYNC|O_DSYNC, O_TMPFILE is __O_TMPFILE|O_DIRECTORY: show the names people write
  let out = names;
  if (out.includes('__O_SYNC') && out.includes('O_DSYNC')) out = out.filter((n) => n !== 'O_DSYNC').map((n) => (n === '__O_SYNC' ? 'O_SYNC' : n));
  if (out.includes('__O_TMPFILE') && out.includes('O_DIRECTORY'))
    out = out.filter((n) => n !== 'O_DIRECTORY').map((n) => (n === '__O_TMPFILE' ? 'O_TMPFILE' : n));
  if (rest > 0) out.push(`0x${rest.toString(16)}`);
  return out.join('|');
}

// ---------------------------------------------------------------------------------------------
// Records

export interface OpenRecord {
  kind: 'O';
  id: string;
  idNs: number;
  pid: number;
  tid: number;
  uid: number;
  ret: number;
  flags: number;
  w: number;
  comm: string;
  text: string;
  /** more \x1f than the protocol has: the comm/path split is a guess */
  ambiguous: boolean;
}

export interface PathChunkRecord {
  kind: 'C';
  id: string;
  tid: number;
  chunk: number;
  w: number;
  text: string;
}

/** Parse one printf text of the opensnoop protocol; null if it is not one (or is malformed). */
export function parseOpensnoopLine(text: string): OpenRecord | PathChunkRecord | null {
  if (text.startsWith('O\x1f')) {
    const r = splitRecord(text, O_FIXED);
    if (!r) return null;
    const [, idS, pidS, tidS, uidS, retS, flagsS, wS] = r.fields;
    const idNs = intField(idS);
    const pid = intField(pidS);
    const tid = intField(tidS);
    const uid = intField(uidS);
    const ret = intField(retS);
    const flags = intField(flagsS);
    const w = intField(wS);
    if (idNs === null || pid === null || tid === null || uid === null || ret === null || flags === null || w === null || w < 0) return null;
    const sep = r.rest.indexOf(FIELD_SEP);
    if (sep < 0) return null; // comm and path are both always printed
    const path = r.rest.slice(sep + 1);
    if (path.length > MAX_CHUNK_CHARS) return null;
    return { kind: 'O', id: idS, idNs, pid, tid, uid, ret, flags, w, comm: r.rest.slice(0, sep), text: path, ambiguous: r.surplus > 1 };
  }
  if (text.startsWith('C\x1f')) {
    const r = splitRecord(text, C_FIXED);
    if (!r) return null;
    const [, idS, tidS, chunkS, wS] = r.fields;
    const tid = intField(tidS);
    const chunk = intField(chunkS);
    const w = intField(wS);
    if (intField(idS) === null || tid === null || chunk === null || w === null || w < 0) return null;
    if (chunk < 1 || chunk >= MAX_CHUNKS || r.rest.length > MAX_CHUNK_CHARS) return null;
    return { kind: 'C', id: idS, tid, chunk, w, text: r.rest };
  }
  return null;
}

function pathNote(a: AssembledString): string | null {
  switch (a.cut) {
    case null:
      return null;
    case 'limit':
      return `path cut at ${MAX_STRING_BYTES} bytes`;
    case 'lost':
      return 'path incomplete (records lost)';
    case 'short':
      return 'path cut: bpftrace read short strings (BPFTRACE_STRLEN not applied?)';
  }
}

// ---------------------------------------------------------------------------------------------
// Rows

interface OpenPath {
  /** index of its row in `rows`, -1 when the row was not kept (row cap) */
  rowIndex: number;
  pieces: Array<ChunkPiece | undefined>;
  baseNotes: string[];
}

export function createOpensnoopParser(opts: OpensnoopParserOptions = {}): ToolParser<OpensnoopResult> {
  const maxRows = opts.maxRows ?? OPENSNOOP_DEFAULT_MAX_ROWS;
  const snapshotRows = Math.max(0, opts.snapshotRows ?? DEFAULT_SNAPSHOT_ROWS);
  const maxOpenPaths = Math.max(1, opts.maxOpenPaths ?? OPENSNOOP_MAX_OPEN_PATHS);
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  const rows = createEventRows(maxRows);
  /** rows whose path has more chunks to come, by `${tid}:${id}` (oldest first) */
  const openPaths = new Map<string, OpenPath>();
  let unparsedEvents = 0;
  let ambiguousRows = 0;
  let incompleteRows = 0;
  let orphanChunks = 0;
  let opensCounted: number | null = null;

  /**
   * Write the assembled path into its row; `final` = no more chunks will come. The row is replaced, not
   * changed: snapshots already handed out keep what they showed.
   */
  const settle = (key: string, op: OpenPath, final: boolean) => {
    const a = assembleChunks(op.pieces);
    const ended = final || chainEnded(op.pieces);
    if (ended) openPaths.delete(key);
    const note = ended ? pathNote(a) : 'path: more to come';
    if (ended && note) incompleteRows++;
    if (op.rowIndex >= 0) {
      rows.replace(op.rowIndex, { ...rows.get(op.rowIndex), path: a.text, notes: [...op.baseNotes, ...(note ? [note] : [])].join('; ') });
    }
  };

  const onOpen = (rec: OpenRecord) => {
    if (rec.ambiguous) ambiguousRows++;
    const baseNotes = rec.ambiguous ? ['comm/path split uncertain (\\x1f in the text)'] : [];
    const pieces: Array<ChunkPiece | undefined> = [{ text: rec.text, w: rec.w }];
    // the common case: the whole path in the O record
    const ended = chainEnded(pieces);
    const path = assembleChunks(pieces);
    const note = ended ? pathNote(path) : 'path: more to come';
    if (ended && note) incompleteRows++;
    const rowIndex = rows.add({
      timeSec: rec.idNs / 1e9,
      comm: rec.comm,
      pid: rec.pid,
      tid: rec.tid,
      uid: rec.uid,
      fd: rec.ret >= 0 ? rec.ret : -1,
      errno: rec.ret < 0 ? -rec.ret : 0,
      flags: formatOpenFlags(rec.flags),
      path: path.text,
      notes: baseNotes.length === 0 ? (note ?? '') : [...baseNotes, ...(note ? [note] : [])].join('; '),
      [OPENSNOOP_FLAGS_RAW_KEY]: rec.flags,
    });
    if (ended) return;
    if (openPaths.size >= maxOpenPaths) {
      const [oldKey, old] = openPaths.entries().next().value as [string, OpenPath];
      settle(oldKey, old, true);
    }
    openPaths.set(`${rec.tid}:${rec.id}`, { rowIndex, pieces, baseNotes });
  };

  const onChunk = (rec: PathChunkRecord) => {
    const key = `${rec.tid}:${rec.id}`;
    const op = openPaths.get(key);
    if (!op) {
      orphanChunks++;
      return;
    }
    op.pieces[rec.chunk] = { text: rec.text, w: rec.w };
    settle(key, op, false);
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'printf': {
        const r = parseOpensnoopLine(rec.text);
        if (!r) unparsedEvents++;
        else if (r.kind === 'O') onOpen(r);
        else onChunk(r);
        return;
      }
      case 'map':
        if (rec.name === '@opens' && !rec.keyed && typeof rec.value === 'number') opensCounted = rec.value;
        return;
      default:
        return;
    }
  };

  /** `latest`: only the last that many rows (snapshots); maxRows then says so */
  const result = (latest?: number): OpensnoopResult => ({
    kind: 'events',
    columns: OPENSNOOP_COLUMNS,
    ...rows.view(latest),
    unparsedEvents,
    stats: { ...stats },
    opensCounted,
    notReceived: opensCounted === null ? null : Math.max(0, opensCounted - rows.eventsSeen),
    ambiguousRows,
    incompleteRows,
    orphanChunks,
    limits: { maxPathBytes: MAX_STRING_BYTES },
  });

  const finish = (): OpensnoopResult => {
    for (const [key, op] of [...openPaths]) settle(key, op, true);
    return result();
  };

  return { push, snapshot: () => result(snapshotRows), finish };
}
