'use client';
/**
 * Sandwich view of one function (lib/viz/sandwich.ts): its callers drawn as a flame graph with the
 * function at the bottom, its callees as an icicle with the function on top, so the function sits in
 * the middle of the two. Click a frame to move the sandwich to that function; hover for its samples
 * (a tooltip at the pointer). Plain SVG from the export's layout (lib/export/flame-layout.ts); pure:
 * the profile tree and the function come in as props.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { StackNode } from '@/lib/tools/types';
import { layoutFlame } from '@/lib/export/flame-layout';
import { frameColor, textColorOn } from '@/lib/export/flame-colors';
import { fitLabel } from '@/lib/export/flame-svg';
import { escapeControl } from '@/lib/viz/format';
import { sandwich } from '@/lib/viz/sandwich';
import { EscapedText } from '@/components/viz/EscapedText';
import { PointerTooltip, usePointer } from '@/components/viz/PointerTooltip';

const WIDTH = 1200;
const FRAME_H = 18;

export interface SandwichViewProps {
  /** the profile's tree (with idle hidden or not, as the flame graph shows it) */
  root: StackNode;
  /** the function in the middle */
  name: string;
  /** a frame was clicked: show its function instead */
  onSelect: (name: string) => void;
  onClose: () => void;
}

const pct = (v: number, total: number) => (total > 0 ? `${((100 * v) / total).toFixed(1)}%` : '—');

export function SandwichView({ root, name, onSelect, onClose }: SandwichViewProps) {
  const s = useMemo(() => sandwich(root, name), [root, name]);
  const panel = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    panel.current?.scrollIntoView?.({ block: 'nearest' });
  }, [name]);
  return (
    <section ref={panel} aria-labelledby="sandwich-h" className="space-y-2 rounded border border-fuchsia-200 bg-white p-3" data-testid="sandwich-view">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h3 id="sandwich-h" className="text-sm font-semibold">
          Callers and callees of{' '}
          <span className="font-mono" data-testid="sandwich-name">
            <EscapedText text={name} />
          </span>
        </h3>
        <span className="text-xs text-slate-600" data-testid="sandwich-summary">
          total {s.total.toLocaleString('en-US')} samples ({pct(s.total, root.value)}) · self {s.self.toLocaleString('en-US')} ({pct(s.self, root.value)})
          {s.occurrences > 1 ? ` · reached by ${s.occurrences.toLocaleString('en-US')} call paths` : ''}
        </span>
        <button type="button" onClick={onClose} className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-sm text-slate-700 hover:bg-slate-100">
          Close
        </button>
      </div>
      {s.total === 0 ? (
        <p className="text-sm text-slate-600">This function is not in the profile shown (hidden as idle, or not sampled).</p>
      ) : (
        <>
          <Half tree={s.callers} up total={root.value} label={`Callers of ${escapeControl(name)}`} testId="sandwich-callers" onSelect={onSelect} />
          <Half tree={s.callees} up={false} total={root.value} label={`Callees of ${escapeControl(name)}`} testId="sandwich-callees" onSelect={onSelect} />
          <p className="text-xs text-slate-500">
            Above: who calls it (the function at the bottom, its callers toward the process). Below: what it calls. Widths are samples; click a frame to centre
            on its function.
          </p>
        </>
      )}
    </section>
  );
}

function Half({
  tree,
  up,
  total,
  label,
  testId,
  onSelect,
}: {
  tree: StackNode;
  /** true: root at the bottom (callers) */
  up: boolean;
  total: number;
  label: string;
  testId: string;
  onSelect: (name: string) => void;
}) {
  const layout = useMemo(() => layoutFlame(tree, { widthPx: WIDTH, minWidthPx: 0.5 }), [tree]);
  const box = useRef<HTMLDivElement>(null);
  const [pointer, onMove, onLeave] = usePointer(box);
  const [hover, setHover] = useState<StackNode | null>(null);
  const height = (layout.maxDepth + 1) * FRAME_H;
  // callers: the function is at the bottom of the drawing, keep it in view
  useLayoutEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = up ? el.scrollHeight : 0;
  }, [layout, up]);
  const describe = (n: StackNode) => {
    let kids = 0;
    for (const c of n.children) kids += c.value;
    return `${escapeControl(n.name)} (${n.kind}) — ${n.value.toLocaleString('en-US')} samples, ${pct(n.value, total)} of all; self ${(n.value - kids).toLocaleString('en-US')}`;
  };
  return (
    <div
      ref={box}
      tabIndex={0}
      role="group"
      aria-label={`${label}, scrollable`}
      className="relative max-h-[300px] overflow-y-auto overflow-x-hidden rounded border border-slate-200 focus-visible:ring-2 focus-visible:ring-indigo-500"
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
        aria-label={label}
        data-testid={testId}
        className="block select-none"
        style={{ fontFamily: 'Verdana, DejaVu Sans, sans-serif', fontSize: 11 }}
      >
        {layout.frames.map((f, i) => {
          const n = f.node;
          const fill = i === 0 ? '#e879f9' : frameColor(n.kind, n.name);
          const y = (up ? layout.maxDepth - f.depth : f.depth) * FRAME_H;
          const text = fitLabel(escapeControl(n.name), f.w);
          return (
            <g
              key={i}
              data-name={n.name}
              data-value={n.value}
              onClick={() => (n.kind === 'user' || n.kind === 'kernel' ? onSelect(n.name) : undefined)}
              onMouseEnter={() => setHover(n)}
              className={n.kind === 'user' || n.kind === 'kernel' ? 'cursor-pointer' : ''}
            >
              <rect x={f.x} y={y} width={Math.max(0.5, f.w - 0.5)} height={FRAME_H - 1} fill={fill} rx={2} stroke={hover === n ? '#0f172a' : 'none'} />
              {text && (
                <text x={f.x + 3} y={y + FRAME_H - 5} fill={textColorOn(fill)} pointerEvents="none">
                  {text}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <PointerTooltip pos={hover ? pointer : null} testId="sandwich-tooltip">
        {hover ? describe(hover) : null}
      </PointerTooltip>
    </div>
  );
}
