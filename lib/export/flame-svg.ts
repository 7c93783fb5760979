/**
 * Server-side flame graph as a standalone SVG file (the classic layout: root at the bottom, callees
 * above their callers), for a report's "Export SVG". Every frame is a <g> with a <title> (name,
 * samples, share) so the file stays readable in a browser without scripts. Pure: tree in, string out.
 */
import { layoutFlame, type FlameLayoutNode } from '@/lib/export/flame-layout';
import { frameColor, textColorOn, type FrameKind } from '@/lib/export/flame-colors';
import { xmlEscape } from '@/lib/export/xml';
import { escapeControl } from '@/lib/viz/format';

export interface FlameSvgOptions<N> {
  title?: string;
  /** a second line under the title (host, time, samples) */
  subtitle?: string;
  /** total width of the image, px (default 1200) */
  widthPx?: number;
  /** height of one frame, px (default 16) */
  frameHeightPx?: number;
  /** frames narrower than this are left out (default 0.3 px) */
  minWidthPx?: number;
  /** fill of a frame (default: frameColor by kind and name) */
  colorOf?: (node: N) => string;
  /** tooltip text of a frame (default: "name (N samples, x.xx%)") */
  describe?: (node: N, share: number) => string;
}

const MARGIN_PX = 10;
const HEADER_PX = 56;
const FOOTER_PX = 12;
/** approximate advance of one character of 11 px Verdana */
const CHAR_PX = 6.6;

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

/** The label that fits in `widthPx`, shortened with ".." (nothing when fewer than 3 characters fit). */
export function fitLabel(name: string, widthPx: number): string {
  const fits = Math.floor((widthPx - 6) / CHAR_PX);
  if (fits < 3) return '';
  return name.length <= fits ? name : `${name.slice(0, fits - 2)}..`;
}

export function renderFlameSvg<N extends FlameLayoutNode & { kind?: FrameKind }>(root: N, opts: FlameSvgOptions<N> = {}): string {
  const widthPx = opts.widthPx ?? 1200;
  const frameH = opts.frameHeightPx ?? 16;
  const innerW = widthPx - 2 * MARGIN_PX;
  const layout = layoutFlame(root, { widthPx: innerW, minWidthPx: opts.minWidthPx ?? 0.3 });
  const heightPx = HEADER_PX + (layout.maxDepth + 1) * frameH + FOOTER_PX;
  const colorOf = opts.colorOf ?? ((n: N) => frameColor(n.kind, n.name));
  const total = root.value;
  const describe = opts.describe ?? ((n: N, share: number) => `${n.name} (${n.value.toLocaleString('en-US')} samples, ${(share * 100).toFixed(2)}%)`);

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8" standalone="no"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="Verdana, DejaVu Sans, sans-serif" font-size="11">`,
  );
  const title = opts.title ?? 'Flame graph';
  out.push(`<title>${xmlEscape(title)}</title>`);
  out.push(`<rect x="0" y="0" width="${widthPx}" height="${heightPx}" fill="#ffffff"/>`);
  out.push(`<text x="${widthPx / 2}" y="22" text-anchor="middle" font-size="16" fill="#0f172a">${xmlEscape(title)}</text>`);
  if (opts.subtitle) out.push(`<text x="${widthPx / 2}" y="42" text-anchor="middle" font-size="11" fill="#475569">${xmlEscape(opts.subtitle)}</text>`);
  out.push('<g class="frames">');
  for (const f of layout.frames) {
    const x = MARGIN_PX + f.x;
    // root at the bottom
    const y = HEADER_PX + (layout.maxDepth - f.depth) * frameH;
    const fill = colorOf(f.node);
    const share = total > 0 ? f.node.value / total : 0;
    // names from the traced host: control and bidi/invisible characters shown as escapes (F4)
    const label = fitLabel(escapeControl(f.node.name), f.w);
    out.push(
      `<g class="frame"><title>${xmlEscape(escapeControl(describe(f.node, share)))}</title>` +
        `<rect x="${fmt(x)}" y="${y}" width="${fmt(f.w)}" height="${frameH - 1}" fill="${fill}" rx="2" ry="2"/>` +
        (label ? `<text x="${fmt(x + 3)}" y="${y + frameH - 4.5}" fill="${textColorOn(fill)}">${xmlEscape(label)}</text>` : '') +
        '</g>',
    );
  }
  out.push('</g>');
  if (layout.hidden > 0) {
    out.push(
      `<text x="${MARGIN_PX}" y="${heightPx - 2}" font-size="9" fill="#64748b">${layout.hidden.toLocaleString('en-US')} frames too narrow to draw are left out</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
