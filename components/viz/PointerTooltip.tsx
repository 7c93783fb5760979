'use client';
/**
 * A tooltip drawn at the mouse pointer inside a `relative` container (flame graphs, heat maps): to
 * the pointer's lower right, flipped left or up where it would leave the container. Pure: the caller
 * tracks the pointer (usePointer below) and gives the content. pointer-events: none, so it never
 * steals the hover from what is under it.
 */
import { type MouseEvent, type ReactNode, type RefObject, useCallback, useState } from 'react';

export interface PointerPos {
  /** px from the container's left and top edges */
  x: number;
  y: number;
  /** the container's size, px (to flip the tooltip at the edges) */
  w: number;
  h: number;
}

/** Pointer position inside `ref`'s element, from mouse events on it or its children. */
export function usePointer(ref: RefObject<HTMLElement | null>): [PointerPos | null, (e: MouseEvent) => void, () => void] {
  const [pos, setPos] = useState<PointerPos | null>(null);
  const move = useCallback(
    (e: MouseEvent) => {
      const el = ref.current;
      if (!el) return;
      const r = el.getBoundingClientRect();
      setPos({ x: e.clientX - r.left + el.scrollLeft, y: e.clientY - r.top + el.scrollTop, w: el.scrollWidth, h: el.scrollHeight });
    },
    [ref],
  );
  const leave = useCallback(() => setPos(null), []);
  return [pos, move, leave];
}

const TIP_W = 320;
const TIP_H = 72;
const GAP = 14;

export function PointerTooltip({ pos, children, testId }: { pos: PointerPos | null; children: ReactNode; testId?: string }) {
  if (!pos || !children) return null;
  const left = pos.x + GAP + TIP_W > pos.w ? Math.max(0, pos.x - GAP - TIP_W) : pos.x + GAP;
  const top = pos.y + GAP + TIP_H > pos.h && pos.y - GAP - TIP_H >= 0 ? pos.y - GAP - TIP_H : pos.y + GAP;
  return (
    <div
      role="tooltip"
      data-testid={testId}
      className="pointer-events-none absolute z-30 w-max max-w-[320px] break-words rounded border border-slate-300 bg-white/95 px-2 py-1 font-mono text-xs text-slate-800 shadow-md"
      style={{ left, top }}
    >
      {children}
    </div>
  );
}
