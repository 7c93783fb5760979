/**
 * Display formatting of event cells and of quantities with units. Pure; the table, the details panel,
 * heat map tooltips and the filter (which matches what is displayed) share it.
 */
import type { EventCellValue, EventColumn } from '@/lib/tools/types';

/** Common Linux errno values (asm-generic/errno-base.h, errno.h, x86-64 and arm64 numbering). */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  4: 'EINTR',
  5: 'EIO',
  6: 'ENXIO',
  7: 'E2BIG',
  8: 'ENOEXEC',
  9: 'EBADF',
  10: 'ECHILD',
  11: 'EAGAIN',
  12: 'ENOMEM',
  13: 'EACCES',
  14: 'EFAULT',
  16: 'EBUSY',
  17: 'EEXIST',
  18: 'EXDEV',
  19: 'ENODEV',
  20: 'ENOTDIR',
  21: 'EISDIR',
  22: 'EINVAL',
  23: 'ENFILE',
  24: 'EMFILE',
  25: 'ENOTTY',
  26: 'ETXTBSY',
  27: 'EFBIG',
  28: 'ENOSPC',
  29: 'ESPIPE',
  30: 'EROFS',
  31: 'EMLINK',
  32: 'EPIPE',
  34: 'ERANGE',
  36: 'ENAMETOOLONG',
  38: 'ENOSYS',
  39: 'ENOTEMPTY',
  40: 'ELOOP',
  61: 'ENODATA',
  75: 'EOVERFLOW',
  90: 'EMSGSIZE',
  95: 'EOPNOTSUPP',
  98: 'EADDRINUSE',
  99: 'EADDRNOTAVAIL',
  100: 'ENETDOWN',
  101: 'ENETUNREACH',
  103: 'ECONNABORTED',
  104: 'ECONNRESET',
  105: 'ENOBUFS',
  107: 'ENOTCONN',
  110: 'ETIMEDOUT',
  111: 'ECONNREFUSED',
  112: 'EHOSTDOWN',
  113: 'EHOSTUNREACH',
  114: 'EALREADY',
  115: 'EINPROGRESS',
  122: 'EDQUOT',
  125: 'ECANCELED',
};

/** "ENOENT" for 2 or -2 (syscalls return -errno); null for 0 and unknown numbers. */
export function errnoName(n: number): string | null {
  return ERRNO_NAMES[Math.abs(n)] ?? null;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> "1.5 KiB" (binary units, 3 significant digits). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${sign}${v} B`;
  return `${sign}${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${BYTE_UNITS[u]}`;
}

/** Milliseconds with precision that fits their size: 0.012 ms, 12.35 ms, 1,234.5 ms. */
export function formatMs(ms: number): string {
  const a = Math.abs(ms);
  if (a < 10) return `${ms.toFixed(3)} ms`;
  if (a < 1000) return `${ms.toFixed(2)} ms`;
  return `${ms.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} ms`;
}

/** Duration units the histograms use, with the factor to nanoseconds. */
export type TimeUnit = 'ns' | 'us' | 'ms' | 's';
const NS_PER: Record<TimeUnit, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };
const UNIT_TEXT: Record<TimeUnit, string> = { ns: 'ns', us: 'µs', ms: 'ms', s: 's' };

/** A duration in `unit`, shown in the largest unit where it is >= 1: 2048 us -> "2.05 ms", 64 us -> "64 µs". */
export function formatDuration(value: number, unit: TimeUnit): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return `0 ${UNIT_TEXT[unit]}`;
  const ns = value * NS_PER[unit];
  const order: TimeUnit[] = ['s', 'ms', 'us', 'ns'];
  for (const u of order) {
    const v = ns / NS_PER[u];
    if (Math.abs(v) >= 1 || u === 'ns') return `${trimNum(v)} ${UNIT_TEXT[u]}`;
  }
  return `${value} ${UNIT_TEXT[unit]}`;
}

/** 3 significant digits, no trailing zeros: 2.048 -> "2.05", 64 -> "64", 0.5 -> "0.5", 1024 -> "1024". */
export function trimNum(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

/**
 * Control characters (C0, DEL, C1) and the invisible format characters (Unicode Cf) that change how
 * text reads without showing: bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F,
 * U+202A-E, U+2066-9: a process can make its argv read backwards, F4), zero-width characters
 * (U+200B-D, U+2060-4, U+FEFF, U+180E), the other Cf in those blocks, and interlinear annotation
 * (U+FFF9-B). Soft hyphen (U+00AD, also Cf) shows as a hyphen at worst: left as is.
 */
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/** One control or format character as a visible escape: "\n", "\t", "\x1b", "\u202e". */
export function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED_ESCAPES[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Control characters (C0, DEL, C1) and invisible format characters (see CONTROL_RE) replaced by visible escapes, so a file name holding a newline or an
 * escape sequence reads as what it is and cannot break the table's layout. (Invalid UTF-8 bytes arrive
 * from the decoder already written as "\xNN".)
 */
export function escapeControl(s: string): string {
  return s.replace(CONTROL_RE, escapeChar);
}

export function hasControl(s: string): boolean {
  CONTROL_RE.lastIndex = 0;
  const r = CONTROL_RE.test(s);
  CONTROL_RE.lastIndex = 0;
  return r;
}

/** Split a string into plain text and escape segments, to style the escapes apart. */
export function controlSegments(s: string): Array<{ text: string; escape: boolean }> {
  const out: Array<{ text: string; escape: boolean }> = [];
  let last = 0;
  for (const m of s.matchAll(CONTROL_RE)) {
    const i = m.index ?? 0;
    if (i > last) out.push({ text: s.slice(last, i), escape: false });
    out.push({ text: escapeChar(m[0]), escape: true });
    last = i + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last), escape: false });
  return out;
}

export interface FormattedCell {
  /** what the cell shows */
  text: string;
  /** the exact value, for a tooltip, when `text` rounds or abbreviates it */
  title?: string;
}

/** A cell as the table shows it, by column type. null -> an em dash. */
export function formatCell(type: EventColumn['type'], value: EventCellValue | undefined): FormattedCell {
  if (value === null || value === undefined || value === '') return { text: '—' };
  if (typeof value === 'string') return { text: escapeControl(value) };
  switch (type) {
    case 'time':
      return { text: `${value.toFixed(3)} s`, title: `${value} s since the run started` };
    case 'bytes':
      return { text: formatBytes(value), title: `${value.toLocaleString('en-US')} bytes` };
    case 'duration_ms':
      return { text: formatMs(value), title: `${value} ms` };
    case 'errno': {
      const name = errnoName(value);
      return { text: name ? `${value} ${name}` : String(value) };
    }
    case 'float':
      return { text: trimNum(value), title: String(value) };
    case 'addr':
    case 'int':
    case 'string':
    default:
      return { text: String(value) };
  }
}

/** Whether a column sorts and filters as numbers. */
export function isNumericColumn(type: EventColumn['type']): boolean {
  return type !== 'string' && type !== 'addr';
}

/** Unit suffix for a column header. */
export function columnUnit(type: EventColumn['type']): string | null {
  switch (type) {
    case 'time':
      return 's';
    case 'duration_ms':
      return 'ms';
    case 'bytes':
      return 'bytes';
    default:
      return null;
  }
}
