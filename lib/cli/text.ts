/**
 * Text from the traced machine (comm, paths) shown in a terminal with control characters escaped, so a
 * file name cannot move the cursor or fake lines. Pure.
 */
const MAX_CELL_CHARS = 60;

/** Control characters (and DEL, C1) as \xNN, so terminal output stays one line per row. */
export function safeText(s: string): string {
  const out = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return out.length > MAX_CELL_CHARS ? `${out.slice(0, MAX_CELL_CHARS - 1)}…` : out;
}

export function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return safeText(String(v));
}
