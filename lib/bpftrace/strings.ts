/**
 * Repair of the strings in bpftrace's JSON output (see shared/bpftrace/FORMAT.md section 3).
 *
 * bpftrace's JSON escaper prints every byte >= 0x80 as `\uffffffXX` (a sign-extended char). A JSON
 * parser reads that as `\uffff` followed by the text `ffXX`, so the line must be repaired *before*
 * JSON.parse: `\uffffffXX` -> `\u00XX`. After parsing, each such byte is one UTF-16 code unit 0x80-0xFF;
 * runs of them are then decoded as UTF-8 bytes. Invalid bytes stay visible as `\xNN` (nothing dropped).
 *
 * Everything here is on the hot path (every line), so each step has a cheap test that skips it.
 */

/** The marker of a byte escape; a line without it needs no repair (the common, ASCII-only case). */
const BYTE_ESCAPE_MARKER = '\\uffffff';

/** A run of backslashes, then `uffffff` and the byte's two hex digits. */
const BYTE_ESCAPE_RE = /(\\+)uffffff([0-9a-fA-F]{2})/g;
/** every marker (fast path: all of them are real escapes) */
const MARKER_RE = /\\uffffff/g;
/** `\\uffffff`: an escaped backslash, or an escape escaped once more (0.23 keys) */
const ESCAPED_BACKSLASH_MARKER = '\\\\uffffff';

/** Any code unit that may be a raw byte (after repair, bytes >= 0x80 are code units 0x80-0xFF). */
const HIGH_BYTE_RE = /[\x80-\xff]/;

/** True when `text` (raw JSON text, or a key before its second unescape) holds a `\uffffffXX` escape. */
export function hasByteEscapes(text: string): boolean {
  return text.includes(BYTE_ESCAPE_MARKER);
}

/**
 * Replace every *unescaped* `\uffffffXX` in JSON text with `\u00XX`.
 *
 * The backslash run in front of `u` decides: an odd run ends with a real escape (`\u`, `\\\u`), an even
 * run is only escaped backslashes followed by the literal text `uffffff..` (`\\uffffffc3`, which is what
 * bpftrace 0.23 prints for a byte inside a map key: the key's own escape, escaped once more). The regex
 * always starts at the first backslash of a run (a run's tail cannot match if its head did not).
 */
export function repairByteEscapes(jsonText: string): string {
  if (!jsonText.includes(BYTE_ESCAPE_MARKER)) return jsonText;
  // Fast path (no callback): no backslash run of 2+ before `uffffff`, so every marker is a real escape.
  // (bpftrace always follows `\uffffff` with two hex digits; if not, JSON.parse rejects the line)
  if (!jsonText.includes(ESCAPED_BACKSLASH_MARKER)) return jsonText.replace(MARKER_RE, '\\u00');
  return jsonText.replace(BYTE_ESCAPE_RE, (match: string, slashes: string, hex: string) =>
    slashes.length % 2 === 1 ? `${slashes.slice(0, -1)}\\u00${hex}` : match,
  );
}

function hexByte(b: number): string {
  return `\\x${b < 16 ? '0' : ''}${b.toString(16)}`;
}

/** Code unit at `i` if it is a UTF-8 continuation byte (0x80-0xBF) within [lo, hi], else -1. */
function cont(s: string, i: number, lo: number, hi: number): number {
  const c = i < s.length ? s.charCodeAt(i) : -1;
  return c >= lo && c <= hi ? c & 0x3f : -1;
}

/**
 * Re-decode a parsed string whose code units 0x80-0xFF are raw bytes: valid UTF-8 sequences become
 * their characters, every other such byte becomes the visible text `\xNN` (lowercase hex).
 * ASCII (and any code unit above 0xFF) is kept as is; strings without such units are returned untouched.
 * Validity as in RFC 3629 / the WHATWG decoder: no overlongs, no surrogates, nothing above U+10FFFF.
 * (A plain loop: faster than a Buffer round trip for the short strings bpftrace prints.)
 */
export function decodeByteString(s: string): string {
  const first = s.search(HIGH_BYTE_RE);
  if (first === -1) return s;
  let out = '';
  let copiedUpTo = 0;
  for (let i = first; i < s.length; i++) {
    const b0 = s.charCodeAt(i);
    if (b0 < 0x80 || b0 > 0xff) continue;
    if (i > copiedUpTo) out += s.slice(copiedUpTo, i);
    let cp = -1;
    let len = 1;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      const c1 = cont(s, i + 1, 0x80, 0xbf);
      if (c1 >= 0) {
        cp = ((b0 & 0x1f) << 6) | c1;
        len = 2;
      }
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      const c1 = cont(s, i + 1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf);
      const c2 = c1 < 0 ? -1 : cont(s, i + 2, 0x80, 0xbf);
      if (c2 >= 0) {
        cp = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
        len = 3;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      const c1 = cont(s, i + 1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf);
      const c2 = c1 < 0 ? -1 : cont(s, i + 2, 0x80, 0xbf);
      const c3 = c2 < 0 ? -1 : cont(s, i + 3, 0x80, 0xbf);
      if (c3 >= 0) {
        cp = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
        len = 4;
      }
    }
    out += cp < 0 ? hexByte(b0) : cp > 0xffff ? String.fromCodePoint(cp) : String.fromCharCode(cp);
    i += len - 1;
    copiedUpTo = i + 1;
  }
  return out + s.slice(copiedUpTo);
}

/**
 * Undo one more level of JSON string escaping (bpftrace 0.23 map keys): `dq\"quote` -> `dq"quote`,
 * `h\uffffffc3\uffffffa9` -> `hé`. Returns null when `body` is not a valid JSON string body, which
 * proves it was *not* escaped twice (a raw newline or quote, an invalid escape like `\s`).
 */
export function unescapeJsonStringBody(body: string): string | null {
  if (!body.includes('\\')) {
    // No escapes: the body is itself, unless it holds what an escaper would never leave raw.
    return /["\x00-\x1f]/.test(body) ? null : body;
  }
  const repaired = hasByteEscapes(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(`"${repaired ? repairByteEscapes(body) : body}"`);
  } catch {
    return null;
  }
  if (typeof parsed !== 'string') return null;
  return repaired ? decodeByteString(parsed) : parsed;
}

/** Apply decodeByteString to every string (and object key) inside a parsed JSON value. */
export function decodeByteStringsDeep(value: unknown): unknown {
  if (typeof value === 'string') return decodeByteString(value);
  if (Array.isArray(value)) return value.map(decodeByteStringsDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[decodeByteString(k)] = decodeByteStringsDeep(v);
    return out;
  }
  return value;
}
