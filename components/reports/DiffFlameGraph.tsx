'use client';
/**
 * Differential flame graph of two profiles (lib/reports/compare.ts DiffNode tree): root at the bottom,
 * width = mean share of A and B, colour = change in share (red grew, blue shrank, pale unchanged).
 * Click a frame to zoom into it; hover for both shares. Drawn as plain SVG from the same layout as
 * the SVG export (lib/export/flame-layout.ts).
 */
import { useMemo, useState } from 'react';
import type { DiffNode } from '@/lib/reports/compare';
import { layoutFlame } from '@/lib/export/flame-layout';
import { deltaColor, textColorOn } from '@/lib/export/flame-colors';
import { fitLabel } from '@/lib/export/flame-svg';
import { fmtPoints, fmtShare } from '@/components/reports/format';
import { escapeControl } from '@/lib/viz/format';

const WIDTH = 1200;
const FRAME_H = 17;
/** changes smaller than this (share points, 0.1 %) count as unchanged */
const SAME_EPS = 0.001;

export function changeOf(n: DiffNode): 'grown' | 'shrunk' | 'same' {
  return n.delta > SAME_EPS ? 'grown' : n.delta < -SAME_EPS ? 'shrunk' : 'same';
}

export function DiffFlameGraph({ root, maxAbsDelta, labelA, labelB }: { root: DiffNode; maxAbsDelta: number; labelA: string; labelB: string }) {
  const [path, setPath] = useState<DiffNode[]>([]);
  const [hover, setHover] = useState<DiffNode | null>(null);
  const top = path.length ? path[path.length - 1] : root;
  const layout = useMemo(() => layoutFlame(top, { widthPx: WIDTH, minWidthPx: 0.5 }), [top]);
  const height = (layout.maxDepth + 1) * FRAME_H;
  const describe = (n: DiffNode) =>
    `${escapeControl(n.name)} — A: ${fmtShare(n.shareA)} (${n.a.toLocaleString('en-US')} samples) · B: ${fmtShare(n.shareB)} (${n.b.toLocaleString('en-US')} samples) · change ${fmtPoints(n.delta)}`;

  const zoom = (index: number) => {
    if (index === 0) return; // the current top: nothing to do
    // the path from the current top down to n, by the layout's parent links
    const chain: DiffNode[] = [];
    for (let i = index; i > 0; i = layout.frames[i].parent) chain.unshift(layout.frames[i].node);
    setPath([...path, ...chain]);
  };

  return (
    <div className="space-y-2" data-testid="diff-flamegraph">
      <div className="flex flex-wrap items-center gap-3 text-xs text-slate-600">
        <span>
          <span className="mr-1 inline-block h-3 w-3 rounded-sm align-middle" style={{ background: deltaColor(1, 1) }} /> grew: a larger share of all samples in
          B
        </span>
        <span>
          <span className="mr-1 inline-block h-3 w-3 rounded-sm align-middle" style={{ background: deltaColor(-1, 1) }} /> shrank
        </span>
        <span>width: mean share of A and B · strongest colour = {fmtPoints(maxAbsDelta)}</span>
        {path.length > 0 && (
          <button type="button" onClick={() => setPath([])} className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-slate-700 hover:bg-slate-50">
            Reset zoom
          </button>
        )}
      </div>
      {path.length > 0 && (
        <nav aria-label="Zoomed into" className="flex flex-wrap gap-1 font-mono text-xs text-slate-600">
          <button type="button" className="hover:underline" onClick={() => setPath([])}>
            all
          </button>
          {path.map((n, i) => (
            <span key={i}>
              ›{' '}
              <button type="button" className="hover:underline" onClick={() => setPath(path.slice(0, i + 1))}>
                {escapeControl(n.name)}
              </button>
            </span>
          ))}
        </nav>
      )}
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`Differential flame graph: B (${labelB}) against A (${labelA})`}
        className="block select-none"
        style={{ fontFamily: 'Verdana, DejaVu Sans, sans-serif', fontSize: 11 }}
      >
        {layout.frames.map((f, i) => {
          const n = f.node;
          const fill = n.kind === 'root' ? '#cbd5e1' : deltaColor(n.delta, maxAbsDelta);
          const y = (layout.maxDepth - f.depth) * FRAME_H;
          const label = fitLabel(escapeControl(n.name), f.w);
          return (
            <g
              key={i}
              data-name={n.name}
              data-change={changeOf(n)}
              onClick={() => zoom(i)}
              onMouseEnter={() => setHover(n)}
              onMouseLeave={() => setHover(null)}
              className="cursor-pointer"
            >
              <title>{describe(n)}</title>
              <rect x={f.x} y={y} width={Math.max(0.5, f.w - 0.5)} height={FRAME_H - 1} fill={fill} rx={2} stroke={hover === n ? '#0f172a' : 'none'} />
              {label && (
                <text x={f.x + 3} y={y + FRAME_H - 5} fill={textColorOn(fill)} pointerEvents="none">
                  {label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <p className="min-h-[1.25rem] font-mono text-xs text-slate-700" data-testid="diff-details">
        {hover ? describe(hover) : 'Hover over a frame for its share in A and B; click to zoom.'}
      </p>
      {layout.hidden > 0 && <p className="text-xs text-slate-500">{layout.hidden.toLocaleString('en-US')} frames too narrow to draw are left out.</p>}
    </div>
  );
}
