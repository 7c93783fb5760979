/** Display helpers of the report pages: fixed formats (UTC), so server and browser render the same text. */

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.replace('T', ' ').slice(0, 19)} UTC`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

/** A share (0..1) as a percentage. */
export function fmtShare(s: number): string {
  return `${(s * 100).toFixed(2)}%`;
}

/** A change of share (0..1) in percentage points, signed. */
export function fmtPoints(d: number): string {
  const v = d * 100;
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(2)} pts`;
}

export const EXPORT_LABELS: Record<string, string> = {
  raw: 'Raw capture (.jsonl)',
  bundle: 'Report bundle (capture + metadata)',
  json: 'Result (JSON)',
  csv: 'Table (CSV)',
  folded: 'Folded stacks',
  pprof: 'pprof (.pb.gz)',
  svg: 'Flame graph (SVG)',
};
