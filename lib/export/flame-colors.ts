/**
 * Frame colours shared by the SVG export and the differential flame graph: the same scheme as the
 * interactive flame graph (components/viz/FlameGraph): kernel frames orange, user frames blue-green,
 * processes and the root grey; and, for differences, red = grew, blue = shrank.
 */

export type FrameKind = 'root' | 'process' | 'user' | 'kernel';

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < Math.min(s.length, 24); i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

export function frameColor(kind: FrameKind | undefined, name: string): string {
  switch (kind) {
    case 'root':
      return '#94a3b8';
    case 'process':
      return '#cbd5e1';
    case 'kernel':
      return `hsl(${20 + (hash(name) % 25)}, 85%, ${58 + (hash(name) % 10)}%)`;
    default:
      return `hsl(${160 + (hash(name) % 40)}, 55%, ${55 + (hash(name) % 12)}%)`;
  }
}

/**
 * Colour of a change in share: `delta` and `maxAbsDelta` in the same unit (share points). Grown red,
 * shrunk blue, unchanged near white; intensity is sqrt-scaled so small changes stay visible.
 */
export function deltaColor(delta: number, maxAbsDelta: number): string {
  if (!(maxAbsDelta > 0) || delta === 0) return 'rgb(241, 245, 249)';
  const t = Math.min(1, Math.sqrt(Math.abs(delta) / maxAbsDelta));
  const mix = (from: number, to: number) => Math.round(from + (to - from) * t);
  // from slate-100 to red-600 / blue-600
  return delta > 0 ? `rgb(${mix(241, 220)}, ${mix(245, 38)}, ${mix(249, 38)})` : `rgb(${mix(241, 37)}, ${mix(245, 99)}, ${mix(249, 235)})`;
}

/** Dark text on light fills, white on dark ones. */
export function textColorOn(fill: string): string {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(fill);
  if (!m) return '#0f172a';
  const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return 0.299 * r + 0.587 * g + 0.114 * b < 140 ? '#ffffff' : '#0f172a';
}
