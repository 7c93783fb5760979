/**
 * Decoder of `bpftrace -f json` output into normalized BtRecords (types.ts), for 0.17 .. 0.23+.
 * See shared/bpftrace/FORMAT.md for the raw format and its traps; the ones handled here:
 *  - blank lines before the exit-time map dump (skipped),
 *  - `\uffffffXX` byte escapes (strings.ts), and map keys escaped twice in 0.23,
 *  - helper_error without `data` (and without `msg` in 0.17),
 *  - hist buckets without `min` (below range) or without `max` (at or above range).
 * Nothing here throws on bad input: a bad line becomes a `malformed` record, an unknown type `unknown`.
 */
import type { BtRecord, DecoderOptions, HistBucket, Scalar, StatsValue } from '@/lib/bpftrace/types';
import { decodeByteString, decodeByteStringsDeep, hasByteEscapes, repairByteEscapes, unescapeJsonStringBody } from '@/lib/bpftrace/strings';

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** How much of a bad line a `malformed` record keeps (at most this many chars, plus an ellipsis). */
export const MALFORMED_PREVIEW_CHARS = 512;

/**
 * Whether map keys are escaped twice, decided once per stream and remembered.
 *
 * 'auto' heuristic (evidence: 0.17.0 escapes keys once, 0.23.2 twice; versions in between are unknown):
 *  1. A known version decides: < 0.21 -> once, >= 0.23 -> twice. 0.21/0.22 (and no version) -> step 2.
 *  2. Key evidence, per keyed map record, until decided. A key escaped twice is always a valid JSON
 *     string body of pure ASCII. So a key holding a raw control char (the newlines of a 0.17 stack), a
 *     char >= 0x80, an unescaped `"` or an invalid escape (`back\slash`) proves "once" (definitive).
 *     Otherwise, a key holding an escape (`\n` of a 0.23 stack, `\"`, `\\`, `\uffffff..`) suggests
 *     "twice" (probable: a 0.17 file name could hold a literal backslash + n). Keys without any
 *     backslash or special char read the same either way and decide nothing.
 *  3. A probable "twice" is overturned by later definitive "once" evidence (a key that fails the
 *     second unescape), since a doubly escaped key never fails it.
 */
export interface KeyEscapeState {
  /** null = not decided yet */
  doubleEscaped: boolean | null;
  /** decided by a forced option, a version or definitive evidence (not to be overturned) */
  final: boolean;
}

export function parseBpftraceVersion(v: string | undefined): [number, number, number] | null {
  const m = v?.match(/(\d+)\.(\d+)(?:\.(\d+))?/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function createKeyEscapeState(opts: DecoderOptions = {}): KeyEscapeState {
  const forced = opts.doubleEscapedKeys;
  if (forced === true || forced === false) return { doubleEscaped: forced, final: true };
  const ver = parseBpftraceVersion(opts.version);
  if (ver) {
    const [major, minor] = ver;
    if (major === 0 && minor < 21) return { doubleEscaped: false, final: true };
    if (major > 0 || minor >= 23) return { doubleEscaped: true, final: true };
  }
  return { doubleEscaped: null, final: false };
}

type KeyEvidence = 'once' | 'twice' | 'none';

/** Classify one key as parsed once (see the heuristic above). */
export function classifyKey(key: string): KeyEvidence {
  let sawEscape = false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c >= 0x80 || c === 0x22 /* " */) return 'once';
    if (c === 0x5c /* \ */) {
      const next = key[i + 1];
      if (next === undefined || !'"\\/bfnrtu'.includes(next)) return 'once';
      if (next === 'u' && !/^[0-9a-fA-F]{4}$/.test(key.slice(i + 2, i + 6))) return 'once';
      sawEscape = true;
      i++; // skip the escaped char (so `\\` is one escape, and `\"` is not a raw quote)
    }
  }
  return sawEscape ? 'twice' : 'none';
}

function decideFromKeys(state: KeyEscapeState, keys: string[]): void {
  // once decided, only a failing second unescape can overturn a probable decision (see mapKey)
  if (state.final || state.doubleEscaped !== null) return;
  let twice = false;
  for (const k of keys) {
    const ev = classifyKey(k);
    if (ev === 'once') {
      state.doubleEscaped = false;
      state.final = true;
      return;
    }
    if (ev === 'twice') twice = true;
  }
  if (twice && state.doubleEscaped === null) state.doubleEscaped = true;
}

// ---------------------------------------------------------------------------------------------
// One line

interface LineContext {
  /** parsed strings hold raw bytes as code units 0x80-0xFF (to be re-decoded as UTF-8) */
  repaired: boolean;
  state: KeyEscapeState;
}

function truncatePreview(line: string): string {
  return line.length > MALFORMED_PREVIEW_CHARS ? `${line.slice(0, MALFORMED_PREVIEW_CHARS)}…` : line;
}

function malformed(line: string, reason: string): BtRecord {
  return { type: 'malformed', line: truncatePreview(line), reason };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'number' || typeof v === 'string';
}

function str(ctx: LineContext, s: string): string {
  return ctx.repaired ? decodeByteString(s) : s;
}

function scalar(ctx: LineContext, v: Scalar): Scalar {
  return typeof v === 'string' ? str(ctx, v) : v;
}

/** A key as printed -> the key's text (second unescape in 0.23). */
function mapKey(ctx: LineContext, key: string): string {
  if (ctx.state.doubleEscaped === true) {
    const twice = unescapeJsonStringBody(key);
    if (twice !== null) return twice;
    if (!ctx.state.final) {
      // A probable decision proved wrong: this key was escaped only once (see KeyEscapeState).
      ctx.state.doubleEscaped = false;
      ctx.state.final = true;
    }
  }
  return str(ctx, key);
}

type ValueKind = 'scalar' | 'stats' | 'buckets';

/** A keyed map's value, or undefined if it is not of the expected kind. */
function convertValue(ctx: LineContext, kind: ValueKind, v: unknown): Scalar | StatsValue | number | HistBucket[] | undefined {
  switch (kind) {
    case 'scalar':
      return isScalar(v) ? scalar(ctx, v) : undefined;
    case 'stats':
      return typeof v === 'number' ? v : isStatsObject(v) ? { ...v } : undefined;
    case 'buckets':
      return toBuckets(v);
  }
}

/** Entries of a keyed map in bpftrace's order; null if any value is not of the expected kind. */
function keyedEntries(ctx: LineContext, obj: Record<string, unknown>, kind: ValueKind): Array<[string, unknown]> | null {
  const keys = Object.keys(obj);
  decideFromKeys(ctx.state, keys);
  const out: Array<[string, unknown]> = [];
  for (const k of keys) {
    const v = convertValue(ctx, kind, obj[k]);
    if (v === undefined) return null;
    out.push([mapKey(ctx, k), v]);
  }
  return out;
}

function isStatsObject(v: unknown): v is StatsValue {
  return isObject(v) && typeof v.count === 'number' && typeof v.average === 'number' && typeof v.total === 'number' && Object.keys(v).length === 3;
}

function toBuckets(v: unknown): HistBucket[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: HistBucket[] = [];
  for (const b of v) {
    if (!isObject(b) || typeof b.count !== 'number') return undefined;
    // absent min (below range) / max (at or above range) stay absent
    const bucket = {} as HistBucket;
    if (typeof b.min === 'number') bucket.min = b.min;
    if (typeof b.max === 'number') bucket.max = b.max;
    bucket.count = b.count;
    out.push(bucket);
  }
  return out;
}

/**
 * How deeply an `unknown` record's raw value may nest. bpftrace's own records nest 5 levels at most
 * (data -> map -> key -> buckets -> bucket); print() of nested structs/tuples adds a few. Deeper input
 * is hostile or broken: JSON.parse takes it, but every recursive walk after it (byte-string decoding,
 * JSON.stringify of the stored result) would throw RangeError (F5).
 */
export const MAX_NESTING_DEPTH = 64;

/** Whether v nests deeper than max (arrays and objects count one level each); iterative, stops early. */
export function nestsDeeperThan(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d + 1 > max) return true;
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}

function unknownRecord(ctx: LineContext, obj: Record<string, unknown>, type: string, line: string): BtRecord {
  // the only path on which arbitrary structure leaves the decoder (known types are read field by field)
  if (nestsDeeperThan(obj, MAX_NESTING_DEPTH)) return malformed(line, `nested deeper than ${MAX_NESTING_DEPTH} levels`);
  return { type: 'unknown', rawType: str(ctx, type), raw: ctx.repaired ? decodeByteStringsDeep(obj) : obj };
}

/** map/stats/hist: `data` is `{"@name": value}`, value unkeyed or an object of keyed values. */
function normalizeMap(ctx: LineContext, obj: Record<string, unknown>, type: 'map' | 'stats' | 'hist', line: string): BtRecord {
  const data = obj.data;
  const names = isObject(data) ? Object.keys(data) : [];
  if (names.length !== 1) return unknownRecord(ctx, obj, type, line); // one map per line, always
  const name = str(ctx, names[0]);
  const v = (data as Record<string, unknown>)[names[0]];
  let kind: ValueKind;
  if (type === 'map') {
    if (isScalar(v)) return { type, name, keyed: false, value: scalar(ctx, v) };
    kind = 'scalar';
  } else if (type === 'stats') {
    if (typeof v === 'number') return { type, name, keyed: false, value: v };
    // Ambiguous only if a keyed avg() had exactly the keys count/average/total: read as stats().
    if (isStatsObject(v)) return { type, name, keyed: false, value: { ...v } };
    kind = 'stats';
  } else {
    if (Array.isArray(v)) {
      const buckets = toBuckets(v);
      return buckets ? { type, name, keyed: false, buckets } : unknownRecord(ctx, obj, type, line);
    }
    kind = 'buckets';
  }
  const entries = isObject(v) ? keyedEntries(ctx, v, kind) : null;
  // (entries hold values of `kind`, which matches `type`)
  return entries ? ({ type, name, keyed: true, entries } as BtRecord) : unknownRecord(ctx, obj, type, line);
}

// No closures in here: this runs once per line (and esbuild's keepNames makes closures costly).
function normalize(ctx: LineContext, obj: Record<string, unknown>, type: string, line: string): BtRecord {
  const data = obj.data;
  switch (type) {
    case 'attached_probes':
      return isObject(data) && typeof data.probes === 'number'
        ? { type, probes: data.probes }
        : malformed(line, 'attached_probes: data.probes is not a number');
    case 'printf':
    case 'join':
    case 'time':
      return typeof data === 'string' ? { type, text: str(ctx, data) } : malformed(line, `${type}: data is not a string`);
    case 'value':
      // print() of tuples/structs (newer bpftrace) is not a scalar: keep it as unknown, not lost
      return isScalar(data) ? { type, value: scalar(ctx, data) } : unknownRecord(ctx, obj, type, line);
    case 'lost_events':
      return isObject(data) && typeof data.events === 'number' ? { type, events: data.events } : malformed(line, 'lost_events: data.events is not a number');
    case 'helper_error': {
      // the only record without `data`: fields at top level, no `msg` in 0.17
      if (typeof obj.helper !== 'string' || typeof obj.retcode !== 'number') {
        return malformed(line, 'helper_error: no helper/retcode');
      }
      const rec: Extract<BtRecord, { type: 'helper_error' }> = { type, helper: obj.helper, retcode: obj.retcode };
      if (typeof obj.msg === 'string') rec.msg = str(ctx, obj.msg);
      if (typeof obj.line === 'number') rec.line = obj.line;
      if (typeof obj.col === 'number') rec.col = obj.col;
      return rec;
    }
    case 'map':
    case 'stats':
    case 'hist':
      return normalizeMap(ctx, obj, type, line);
    default:
      return unknownRecord(ctx, obj, type, line);
  }
}

/**
 * Decode one line (without its newline). Returns null for a blank line (bpftrace prints two before its
 * exit-time maps). Pass the same `state` for every line of one stream so the key-escape decision sticks;
 * without it each call decides from `opts` and its own keys only.
 */
export function decodeLine(line: string, opts: DecoderOptions = {}, state: KeyEscapeState = createKeyEscapeState(opts)): BtRecord | null {
  // bpftrace lines start with '{'; only other lines can be blank (trim() allocates: keep it off the fast path)
  if (line.charCodeAt(0) !== 0x7b && line.trim() === '') return null;
  let text = line;
  // `repaired`: the careful path was taken, parsed strings still hold raw bytes as code units 0x80-0xFF
  let repaired = false;
  if (hasByteEscapes(line)) {
    text = repairByteEscapes(line);
    repaired = true;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return malformed(line, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(parsed)) return malformed(line, 'not a JSON object');
  if (typeof parsed.type !== 'string') return malformed(line, 'no string "type" member');
  return normalize({ repaired, state }, parsed, parsed.type, line);
}

// ---------------------------------------------------------------------------------------------
// A stream of chunks

/**
 * Splits a byte stream into lines and decodes them. Chunks may end anywhere (mid-line, mid-UTF-8
 * sequence): lines are split on the byte 0x0A and only complete lines are decoded as UTF-8.
 * Memory stays bounded by maxLineBytes: past that, a line's bytes are counted and dropped (only a
 * preview is kept) until its newline, and the line becomes one `malformed` record.
 */
export class LineDecoder {
  private readonly maxLineBytes: number;
  private readonly opts: DecoderOptions;
  readonly keyState: KeyEscapeState;
  /** bytes of the current, incomplete line (copies: callers may reuse their chunk buffers) */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** set while skipping the rest of a too-long line */
  private overlong: { preview: string; bytes: number } | null = null;

  constructor(opts: DecoderOptions = {}) {
    this.opts = opts;
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.keyState = createKeyEscapeState(opts);
  }

  push(chunk: Buffer | Uint8Array): BtRecord[] {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: BtRecord[] = [];
    let start = 0;

    // 1. The end of a line begun in an earlier chunk (or of a too-long line being skipped).
    if (this.overlong || this.pendingBytes > 0) {
      const nl = buf.indexOf(0x0a);
      this.addPartial(buf.subarray(0, nl === -1 ? buf.length : nl));
      if (nl === -1) return out;
      this.finishLine(out);
      start = nl + 1;
    }

    // 2. Complete lines: decoded as one string and split (0x0A never occurs inside a UTF-8 sequence).
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl >= start) {
      const lines = buf.toString('utf8', start, lastNl).split('\n');
      // a char is at least one byte, at most 3 UTF-8 bytes per UTF-16 unit: count bytes only when needed
      const surelyShort = Math.floor(this.maxLineBytes / 3);
      for (const line of lines) {
        if (line.length > surelyShort && Buffer.byteLength(line) > this.maxLineBytes) {
          out.push(this.tooLong(line.slice(0, MALFORMED_PREVIEW_CHARS), Buffer.byteLength(line)));
        } else {
          this.emit(line, out);
        }
      }
      start = lastNl + 1;
    }

    // 3. The start of a line that ends in a later chunk.
    if (start < buf.length) this.addPartial(buf.subarray(start));
    return out;
  }

  /** Bytes held for an incomplete line: never more than maxLineBytes (a skipped line keeps only its preview). */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private addPartial(part: Buffer): void {
    if (this.overlong) {
      this.overlong.bytes += part.length;
    } else if (this.pendingBytes + part.length > this.maxLineBytes) {
      // keep the first bytes only (a UTF-8 sequence cut at the end decodes to U+FFFD: fine for a preview)
      const head = Buffer.concat([...this.pending, part.subarray(0, MALFORMED_PREVIEW_CHARS)]);
      this.overlong = {
        preview: head.toString('utf8', 0, Math.min(head.length, MALFORMED_PREVIEW_CHARS)),
        bytes: this.pendingBytes + part.length,
      };
      this.pending = [];
      this.pendingBytes = 0;
    } else if (part.length > 0) {
      this.pending.push(Buffer.from(part)); // a copy: callers may reuse their chunk buffers
      this.pendingBytes += part.length;
    }
  }

  private tooLong(preview: string, bytes: number): BtRecord {
    return {
      type: 'malformed',
      line: `${preview}…`,
      reason: `line too long: ${bytes} bytes > maxLineBytes ${this.maxLineBytes}`,
    };
  }

  /** Flush the last line (output need not end with a newline). */
  end(): BtRecord[] {
    const out: BtRecord[] = [];
    if (this.overlong || this.pendingBytes > 0) this.finishLine(out);
    return out;
  }

  private finishLine(out: BtRecord[]): void {
    if (this.overlong) {
      out.push(this.tooLong(this.overlong.preview, this.overlong.bytes));
      this.overlong = null;
      return;
    }
    const line = this.pending.length === 1 ? this.pending[0].toString('utf8') : Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(line, out);
  }

  private emit(line: string, out: BtRecord[]): void {
    const rec = decodeLine(line, this.opts, this.keyState);
    if (rec) out.push(rec);
  }
}

export function createDecoder(opts: DecoderOptions = {}): LineDecoder {
  return new LineDecoder(opts);
}

/** Decode a whole output at once (tests, stored raw output). */
export function decodeAll(output: Buffer | string, opts: DecoderOptions = {}): BtRecord[] {
  const dec = new LineDecoder(opts);
  const recs = dec.push(typeof output === 'string' ? Buffer.from(output, 'utf8') : output);
  return recs.concat(dec.end());
}
