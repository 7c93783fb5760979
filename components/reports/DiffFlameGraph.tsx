'use client';
/**
 * Differential flame graph of two profiles (lib/reports/compare.ts DiffNode tree): root at the bottom,
 * width = mean share of A and B, colour = change in share (red grew, blue shrank, pale unchanged).
 * Click a frame to zoom into it; hover for both shares (a tooltip at the pointer); search highlights
 * frames by a regular expression. Drawn as plain SVG from the same layout as the SVG export
 * (lib/export/flame-layout.ts), in the run page's scroll box: a deep diff is thousands of px tall, so
 * the box keeps the root (at its bottom) in view on open and after every zoom.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DiffNode } from '@/lib/reports/compare';
import { layoutFlame } from '@/lib/export/flame-layout';
import { deltaColor, textColorOn } from '@/lib/export/flame-colors';
import { fitLabel } from '@/lib/export/flame-svg';
import { fmtPoints, fmtShare } from '@/components/reports/format';
import { validRegex } from '@/lib/viz/flame';
import { EMPTY_FLAME_STATE, type FlameViewState, followZoomPath } from '@/lib/viz/flame-url';
import { escapeControl } from '@/lib/viz/format';
import { PointerTooltip, usePointer } from '@/components/viz/PointerTooltip';

const WIDTH = 1200;
const FRAME_H = 17;
/** changes smaller than this (share points, 0.1 %) count as unchanged */
const SAME_EPS = 0.001;
/** height of the scroll box, px */
const MAX_BOX_PX = 600;
const MIN_BOX_PX = 280;

export function changeOf(n: DiffNode): 'grown' | 'shrunk' | 'same' {
  return n.delta > SAME_EPS ? 'grown' : n.delta < -SAME_EPS ? 'shrunk' : 'same';
}

/** Shares of A and B in frames matching `re`, outermost matches only (a match inside a match is already counted). */
function matchedShares(root: DiffNode, re: RegExp): { a: number; b: number; frames: number } {
  let a = 0;
  let b = 0;
  let frames = 0;
  const stack: Array<[DiffNode, boolean]> = [[root, false]];
  while (stack.length) {
    const [n, inside] = stack.pop()!;
    const hit = n.kind !== 'root' && re.test(escapeControl(n.name));
    if (hit) frames++;
    if (hit && !inside) {
      a += n.shareA;
      b += n.shareB;
    }
    for (const c of n.children) stack.push([c, inside || hit]);
  }
  return { a, b, frames };
}

export interface DiffFlameGraphProps {
  root: DiffNode;
  maxAbsDelta: number;
  labelA: string;
  labelB: string;
  /** where the view starts (search and zoom of a shared link; read on mount) */
  state?: FlameViewState;
  /** hears every change of search and zoom (the page puts them in the URL) */
  onStateChange?: (state: FlameViewState) => void;
}

export function DiffFlameGraph({ root, maxAbsDelta, labelA, labelB, state, onStateChange }: DiffFlameGraphProps) {
  const [path, setPathState] = useState<DiffNode[]>(() => followZoomPath(root, state?.zoom ?? []));
  const [hover, setHover] = useState<DiffNode | null>(null);
  const [term, setTermState] = useState(state?.search ?? '');
  const report = (next: { path?: DiffNode[]; term?: string }) =>
    onStateChange?.({ ...EMPTY_FLAME_STATE, search: next.term ?? term, zoom: (next.path ?? path).map((n) => n.name) });
  const setPath = (p: DiffNode[]) => {
    setPathState(p);
    report({ path: p });
  };
  const setTerm = (t: string) => {
    setTermState(t);
    report({ term: t });
  };
  const box = useRef<HTMLDivElement>(null);
  const [pointer, onMove, onLeave] = usePointer(box);
  const top = path.length ? path[path.length - 1] : root;
  const layout = useMemo(() => layoutFlame(top, { widthPx: WIDTH, minWidthPx: 0.5 }), [top]);
  const height = (layout.maxDepth + 1) * FRAME_H;
  const re = term && validRegex(term) ? new RegExp(term) : null;
  const matched = useMemo(() => (re ? matchedShares(root, re) : null), [root, term]); // eslint-disable-line react-hooks/exhaustive-deps -- re follows term
  const describe = (n: DiffNode) =>
    `${escapeControl(n.name)} — A: ${fmtShare(n.shareA)} (${n.a.toLocaleString('en-US')} samples) · B: ${fmtShare(n.shareB)} (${n.b.toLocaleString('en-US')} samples) · change ${fmtPoints(n.delta)}`;

  // The box ends at the bottom of the window the page opens in (at most MAX_BOX_PX, at least
  // MIN_BOX_PX), so the root is on screen without scrolling the page, whatever is above the graph.
  const [boxPx, setBoxPx] = useState(MAX_BOX_PX);
  useLayoutEffect(() => {
    const fit = () => {
      const el = box.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top + window.scrollY;
      setBoxPx(Math.max(MIN_BOX_PX, Math.min(MAX_BOX_PX, Math.floor(window.innerHeight - top - 12))));
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, []);
  // the root sits at the bottom of the drawing: scroll there on open, whenever the zoom changes and
  // once the box has its height
  useLayoutEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [layout, boxPx]);

  const zoom = (index: number) => {
    if (index === 0) return; // the current top: nothing to do
    // the path from the current top down to n, by the layout's parent links
    const chain: DiffNode[] = [];
    for (let i = index; i > 0; i = layout.frames[i].parent) chain.unshift(layout.frames[i].node);
    setPath([...path, ...chain]);
  };

  return (
    <div className="space-y-2" data-testid="diff-flamegraph">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <input
          type="search"
          value={term}
          onChange={(e) => setTerm(e.target.value)}
          placeholder="Search frames (regex)"
          aria-label="Search frames"
          className="w-64 rounded border border-slate-300 px-2 py-1"
        />
        {term && !validRegex(term) && <span className="text-red-700">not a valid regular expression</span>}
        {matched && (
          <span data-testid="diff-search-share" className="text-slate-700">
            {matched.frames.toLocaleString('en-US')} frames matched · A {fmtShare(matched.a)} · B {fmtShare(matched.b)} ({fmtPoints(matched.b - matched.a)})
          </span>
        )}
        <button
          type="button"
          onClick={() => setPath([])}
          disabled={path.length === 0}
          className="rounded border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-100 disabled:opacity-50"
        >
          Reset zoom
        </button>
        <span className="ml-auto flex flex-wrap items-center gap-3 text-xs text-slate-600">
          <span>
            <span className="mr-1 inline-block h-3 w-3 rounded-sm align-middle" style={{ background: deltaColor(1, 1) }} /> grew: a larger share of all samples
            in B
          </span>
          <span>
            <span className="mr-1 inline-block h-3 w-3 rounded-sm align-middle" style={{ background: deltaColor(-1, 1) }} /> shrank
          </span>
          <span>width: mean share of A and B · strongest colour = {fmtPoints(maxAbsDelta)}</span>
        </span>
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
      <div
        ref={box}
        tabIndex={0}
        role="group"
        aria-label="Differential flame graph, scrollable"
        data-testid="diff-flamegraph-box"
        style={{ maxHeight: boxPx }}
        className="relative w-full overflow-y-auto overflow-x-hidden rounded border border-slate-200 bg-white focus-visible:ring-2 focus-visible:ring-indigo-500"
        onMouseMove={onMove}
        onMouseLeave={() => {
          onLeave();
          setHover(null);
        }}
      >
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
            const hit = re !== null && n.kind !== 'root' && re.test(escapeControl(n.name));
            return (
              <g
                key={i}
                data-name={n.name}
                data-change={changeOf(n)}
                data-match={re ? String(hit) : undefined}
                onClick={() => zoom(i)}
                onMouseEnter={() => setHover(n)}
                className="cursor-pointer"
                opacity={re && !hit ? 0.35 : 1}
              >
                <rect
                  x={f.x}
                  y={y}
                  width={Math.max(0.5, f.w - 0.5)}
                  height={FRAME_H - 1}
                  fill={fill}
                  rx={2}
                  stroke={hover === n ? '#0f172a' : hit ? '#c026d3' : 'none'}
                  strokeWidth={hit ? 2 : 1}
                />
                {label && (
                  <text x={f.x + 3} y={y + FRAME_H - 5} fill={textColorOn(fill)} pointerEvents="none">
                    {label}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
        <PointerTooltip pos={hover ? pointer : null} testId="diff-tooltip">
          {hover ? describe(hover) : null}
        </PointerTooltip>
      </div>
      <p className="min-h-[1.25rem] font-mono text-xs text-slate-700" data-testid="diff-details" aria-live="polite">
        {hover ? describe(hover) : 'Hover over a frame for its share in A and B; click to zoom.'}
      </p>
      {layout.hidden > 0 && <p className="text-xs text-slate-500">{layout.hidden.toLocaleString('en-US')} frames too narrow to draw are left out.</p>}
    </div>
  );
}
