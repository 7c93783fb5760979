/**
 * Numeric fields of the event tools' printf records (fields separated by \x1f, numbers first; see
 * lib/tools/execsnoop/chunks.ts). Every parser reads its numbers with this one function.
 */

/** A decimal integer field, or null if it is not one (or is beyond 2^53: never printed by the scripts). */
export function intField(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = s.length;
  let i = s.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (n === i || n > 20) return null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (!Number.isSafeInteger(v)) return null;
  return s.charCodeAt(0) === 45 ? -v : v;
}
