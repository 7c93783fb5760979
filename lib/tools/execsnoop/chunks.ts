/**
 * The record and string-chunk protocol shared by bpftrace-tools/execsnoop*.bt and opensnoop*.bt (see
 * their headers): printf records whose fields are separated by \x1f, numbers first and free text last,
 * and strings longer than one str() read sent as numbered chunks of CHUNK_BYTES bytes, each with "w",
 * the kernel's verdict on whether another chunk follows (w === SCAN_WORDS: the chunk is full and the
 * string goes on).
 *
 * Texts arrive decoded (lib/bpftrace/decoder): valid UTF-8 as characters, every invalid byte as the
 * four characters `\xNN` (lowercase hex). That decides how byte lengths are bounded below and how a
 * UTF-8 character cut between two chunks is put back together. Pure functions, no Node APIs.
 */
import { decodeByteString } from '@/lib/bpftrace/strings';

/** ASCII unit separator between printf fields */
export const FIELD_SEP = '\x1f';
/** bytes per chunk: str(p + 159*k, 160) reads at most 159 bytes (BPFTRACE_STRLEN=160) */
export const CHUNK_BYTES = 159;
/** w === SCAN_WORDS: no NUL in the chunk's 159 bytes nor the byte after it: another chunk follows */
export const SCAN_WORDS = 20;
/** chunks per string the scripts send at most: 8 * 159 = 1272 bytes */
export const MAX_CHUNKS = 8;
export const MAX_STRING_BYTES = CHUNK_BYTES * MAX_CHUNKS;
/** BPFTRACE_STRLEN the scripts need (0.17; 0.23 reads the size from the script) */
export const CHUNK_STRLEN = CHUNK_BYTES + 1;

export interface SplitRecord {
  /** the fixed fields (the tag first) */
  fields: string[];
  /** the free text after them, \x1f inside it kept */
  rest: string;
  /** how many \x1f the free text held (0 normally) */
  surplus: number;
}

/** Split a printf record into `fixed` fields and the free text after them; null if it has fewer fields. */
export function splitRecord(text: string, fixed: number): SplitRecord | null {
  // indexOf rather than split(): this runs once per event (opensnoop: tens of thousands a second)
  const fields = new Array<string>(fixed);
  let start = 0;
  for (let i = 0; i < fixed; i++) {
    const sep = text.indexOf(FIELD_SEP, start);
    if (sep < 0) return null;
    fields[i] = text.slice(start, sep);
    start = sep + 1;
  }
  const rest = text.slice(start);
  let surplus = 0;
  for (let j = rest.indexOf(FIELD_SEP); j >= 0; j = rest.indexOf(FIELD_SEP, j + 1)) surplus++;
  return { fields, rest, surplus };
}

export { intField } from '@/lib/tools/fields';

/** UTF-8 byte length of a JS string (surrogate pairs count 4). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** an escape the decoder writes for an invalid byte (bytes >= 0x80 only) */
const BYTE_ESCAPE_RE = /\\x[89a-f][0-9a-f]/g;

/**
 * Bounds on the number of bytes a decoded text stood for: `max` counts each `\xNN` as the 4 characters it
 * is, `min` as the 1 byte it stands for (a text that really held a backslash, "x" and two hex digits
 * makes the two differ; nothing else does).
 */
export function byteLengthBounds(text: string): { min: number; max: number } {
  const max = utf8Length(text);
  const escapes = text.includes('\\x') ? (text.match(BYTE_ESCAPE_RE)?.length ?? 0) : 0;
  return { min: max - 3 * escapes, max };
}

/**
 * bpftrace >= 0.19 appends ".." to a string that filled its buffer when the read size equals
 * BPFTRACE_MAX_STRLEN (the tools set 1024 to avoid it; a host may not keep the variable). A chunk holds at
 * most CHUNK_BYTES bytes, so a longer text ending in ".." carries that trailer.
 */
export function stripTruncationTrailer(text: string): string {
  return text.endsWith('..') && byteLengthBounds(text).min > CHUNK_BYTES ? text.slice(0, -2) : text;
}

/** invalid-byte escapes at the end of a chunk (a UTF-8 sequence cut by the chunk boundary: 1-3 bytes) */
const TAIL_ESCAPES_RE = /(?:\\x[89a-f][0-9a-f]){1,3}$/;
/** continuation bytes (0x80-0xbf) at the start of the next chunk */
const HEAD_ESCAPES_RE = /^(?:\\x[89ab][0-9a-f]){1,3}/;

function escapesToByteUnits(esc: string): string {
  let out = '';
  for (let i = 0; i < esc.length; i += 4) out += String.fromCharCode(parseInt(esc.slice(i + 2, i + 4), 16));
  return out;
}

/**
 * Join two decoded chunks of one string. A multi-byte UTF-8 character cut by the chunk boundary was
 * decoded as invalid bytes on both sides ("\xc3" + "\xa9"); those bytes are decoded again together ("é").
 */
export function joinChunks(a: string, b: string): string {
  if (!b.startsWith('\\x')) return a + b;
  const tail = TAIL_ESCAPES_RE.exec(a);
  const head = HEAD_ESCAPES_RE.exec(b);
  if (!tail || !head) return a + b;
  const units = escapesToByteUnits(tail[0]) + escapesToByteUnits(head[0]);
  return a.slice(0, tail.index) + decodeByteString(units) + b.slice(head[0].length);
}

export interface ChunkPiece {
  text: string;
  /** the kernel's word index of the first NUL; SCAN_WORDS = full chunk, more follows */
  w: number;
}

/** Why a string is not complete: the chunk limit, chunks lost on the way, or a short read (see below). */
export type CutReason = 'limit' | 'lost' | 'short';

export interface AssembledString {
  text: string;
  /** null: the text is exactly what the traced process passed */
  cut: CutReason | null;
  /** chunks used */
  chunks: number;
}

/**
 * Put one string together from its chunks (index = chunk number). The chain ends at the first chunk
 * the kernel saw a NUL in. It is cut when a chunk is missing ('lost'), when the last chunk the scripts
 * send was still full ('limit', more than MAX_STRING_BYTES), or when a full chunk came back shorter than
 * CHUNK_BYTES ('short': bpftrace read fewer bytes than the scripts need, e.g. BPFTRACE_STRLEN not passed
 * through sudo; the chunks after it would overlap, so they are not used).
 */
export function assembleChunks(pieces: ReadonlyArray<ChunkPiece | undefined>): AssembledString {
  let text = '';
  for (let k = 0; ; k++) {
    const p = pieces[k];
    if (!p) return { text, cut: k >= MAX_CHUNKS ? 'limit' : 'lost', chunks: k };
    const t = stripTruncationTrailer(p.text);
    text = k === 0 ? t : joinChunks(text, t);
    if (p.w < SCAN_WORDS) return { text, cut: null, chunks: k + 1 };
    if (byteLengthBounds(t).max < CHUNK_BYTES) return { text, cut: 'short', chunks: k + 1 };
  }
}

/** True when the chunks received so far end the string (complete or cut at the limit), none missing. */
export function chainEnded(pieces: ReadonlyArray<ChunkPiece | undefined>): boolean {
  for (let k = 0; k < MAX_CHUNKS; k++) {
    const p = pieces[k];
    if (!p) return false;
    if (p.w < SCAN_WORDS) return true;
  }
  return true;
}
