/**
 * The palettes in both colour schemes: flame-graph frames carry black labels (d3-flame-graph's CSS)
 * in light and dark mode alike, so every fill must give black text 4.5:1 (WCAG AA); heat-map cells
 * have no text, so their scale must run one way in lightness and its faintest tint must stand apart
 * from an empty cell, on the light and on the dark card.
 */
import { describe, expect, it } from 'vitest';
import { FLAME_HIGHLIGHT, frameColor } from '@/lib/viz/flame';
import { EMPTY_CELL, EMPTY_CELL_DARK, heatColor, heatColorAt, type ColorScheme } from '@/lib/viz/heatmap';

type RGB = [number, number, number];

function parse(c: string): RGB {
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (m) return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
  m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  m = /^hsl\(([\d.]+), ([\d.]+)%, ([\d.]+)%\)$/.exec(c);
  if (!m) throw new Error(`unknown colour ${c}`);
  const [h, s, l] = [Number(m[1]), Number(m[2]) / 100, Number(m[3]) / 100];
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}
/** WCAG relative luminance */
function lum([r, g, b]: RGB): number {
  const ch = (v: number) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
}
const contrast = (a: RGB, b: RGB) => {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
const BLACK: RGB = [0, 0, 0];

describe('flame-graph frames', () => {
  it('every fill gives its black label at least 4.5:1', () => {
    let worst = Infinity;
    for (const kind of ['kernel', 'user', 'root', 'process']) {
      // enough names to hit every hue and lightness step of the hash
      for (let i = 0; i < 3000; i++) worst = Math.min(worst, contrast(parse(frameColor(kind, `fn_${i}_${kind}`)!), BLACK));
    }
    worst = Math.min(worst, contrast(parse(FLAME_HIGHLIGHT), BLACK));
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});

describe('heat-map scales', () => {
  for (const scheme of ['light', 'dark'] as ColorScheme[]) {
    it(`${scheme}: runs one way in lightness, faintest tint apart from an empty cell, hottest far from it`, () => {
      const empty = parse(scheme === 'dark' ? EMPTY_CELL_DARK : EMPTY_CELL);
      expect(heatColor(0, 10, scheme)).toBe(scheme === 'dark' ? EMPTY_CELL_DARK : EMPTY_CELL);
      const ls = Array.from({ length: 21 }, (_, i) => lum(parse(heatColorAt(i / 20, scheme))));
      for (let i = 1; i < ls.length; i++) {
        // light: darker with more; dark: brighter with more
        if (scheme === 'light') expect(ls[i]).toBeLessThanOrEqual(ls[i - 1]);
        else expect(ls[i]).toBeGreaterThanOrEqual(ls[i - 1]);
      }
      expect(contrast(parse(heatColor(1, 1_000_000, scheme)), empty)).toBeGreaterThanOrEqual(1.1);
      expect(contrast(parse(heatColor(10, 10, scheme)), empty)).toBeGreaterThanOrEqual(7);
    });
  }
});
