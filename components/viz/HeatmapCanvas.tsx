'use client';
/**
 * The drawing surface shared by the two heat maps: a grid of nCols x nRows cells on one canvas (a
 * 3,600-second run of 30 buckets is 108k cells: too many SVG elements, one fillRect each here), with
 * hover and keyboard focus turned into a cell, and a tooltip the caller renders. Row 0 is drawn at the
 * bottom (low latency, low offset), as on a y axis.
 *
 * Keyboard: the canvas is focusable; on focus the cursor goes to the hottest cell, arrow keys move it,
 * Home/End jump to the first/last column, Escape hides it.
 *
 * Brush (when `onBrush` is given): drag across columns, or click one, to pick a time range; with the
 * keyboard, Enter picks the cursor's column and Shift+Left/Right widen the range. The caller owns the
 * range (`brush`) and what it filters. The tooltip follows the mouse pointer; with the keyboard it sits
 * at the cursor's cell.
 */
import { type ReactNode, type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import type { ColumnRange } from '@/lib/viz/brush';
import { columnRange } from '@/lib/viz/brush';
import { heatColor } from '@/lib/viz/heatmap';
import { useColorScheme } from '@/components/viz/useColorScheme';

export interface HeatCell {
  col: number;
  row: number;
  count: number;
}

export interface HeatmapCanvasProps {
  nCols: number;
  nRows: number;
  /** count of a cell */
  countAt: (col: number, row: number) => number;
  /** top of the colour scale (the largest count) */
  max: number;
  /** height of one row, px */
  rowPx: number;
  /** accessible description of what the grid shows */
  label: string;
  /** tooltip content of the hovered or focused cell */
  renderTooltip: (cell: HeatCell) => ReactNode;
  /** changes whenever the data changes (redraw trigger; countAt may be a new closure every render) */
  dataKey: unknown;
  testId?: string;
  /** the brushed columns (drawn as a band), null = none */
  brush?: ColumnRange | null;
  /** brushing is on: a range was picked (null: cleared with Escape) */
  onBrush?: (range: ColumnRange | null) => void;
}

/** Width of the canvas follows its container. */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setW(el.clientWidth);
    const ro = new ResizeObserver(() => setW(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

export function HeatmapCanvas({ nCols, nRows, countAt, max, rowPx, label, renderTooltip, dataKey, testId, brush = null, onBrush }: HeatmapCanvasProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useWidth(wrap);
  const height = nRows * rowPx;
  const [cursor, setCursor] = useState<{ col: number; row: number } | null>(null);
  /** the mouse pointer inside the canvas, px (null: the keyboard moved the cursor) */
  const [pointer, setPointer] = useState<{ x: number; y: number } | null>(null);
  /** a drag under way: the column it started on and where it is now */
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const scheme = useColorScheme();

  // the hottest cell (the keyboard cursor's start) and the number of non-empty cells
  const summary = useMemo(() => {
    let hot = { col: 0, row: 0, count: -1 };
    let cells = 0;
    for (let c = 0; c < nCols; c++) {
      for (let r = 0; r < nRows; r++) {
        const v = countAt(c, r);
        if (v > 0) cells++;
        if (v > hot.count) hot = { col: c, row: r, count: v };
      }
    }
    return { hot, cells };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- countAt changes with dataKey
  }, [dataKey, nCols, nRows]);

  const colX = (c: number) => Math.floor((c * width) / Math.max(1, nCols));
  const rowY = (r: number) => (nRows - 1 - r) * rowPx;

  useEffect(() => {
    const cv = canvas.current;
    if (!cv || width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    cv.width = Math.round(width * dpr);
    cv.height = Math.round(height * dpr);
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = heatColor(0, max, scheme);
    ctx.fillRect(0, 0, width, height);
    for (let c = 0; c < nCols; c++) {
      const x0 = colX(c);
      const w = Math.max(1, colX(c + 1) - x0);
      for (let r = 0; r < nRows; r++) {
        const v = countAt(c, r);
        if (!(v > 0)) continue;
        ctx.fillStyle = heatColor(v, max, scheme);
        // a 1 px gap between rows keeps the bucket boundaries readable
        ctx.fillRect(x0, rowY(r), w, rowPx - (rowPx >= 8 ? 1 : 0));
      }
    }
    if (cursor) {
      ctx.strokeStyle = scheme === 'dark' ? '#f8fafc' : '#1e1b4b';
      ctx.lineWidth = 2;
      ctx.strokeRect(colX(cursor.col) + 1, rowY(cursor.row) + 1, Math.max(2, colX(cursor.col + 1) - colX(cursor.col) - 2), rowPx - 2);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- countAt changes with dataKey
  }, [dataKey, width, height, nCols, nRows, max, rowPx, cursor, scheme]);

  const cellAt = (clientX: number, clientY: number): { col: number; row: number } | null => {
    const rect = canvas.current?.getBoundingClientRect();
    if (!rect || nCols === 0) return null;
    const col = Math.floor(((clientX - rect.left) / rect.width) * nCols);
    const row = nRows - 1 - Math.floor((clientY - rect.top) / rowPx);
    if (col < 0 || col >= nCols || row < 0 || row >= nRows) return null;
    return { col, row };
  };

  const move = (dc: number, dr: number) => {
    setPointer(null);
    setCursor((c) => {
      const from = c ?? summary.hot;
      return { col: Math.max(0, Math.min(nCols - 1, from.col + dc)), row: Math.max(0, Math.min(nRows - 1, from.row + dr)) };
    });
  };
  /** Shift+Left/Right: widen (or narrow) the brushed range at the side the cursor is on */
  const extend = (dc: number) => {
    if (!onBrush) return;
    const at = cursor ?? summary.hot;
    const col = Math.max(0, Math.min(nCols - 1, at.col + dc));
    const anchor = brush ? (at.col === brush.from ? brush.to : brush.from) : at.col;
    setPointer(null);
    setCursor({ col, row: at.row });
    onBrush(columnRange(anchor, col, nCols));
  };
  const shown = drag ? columnRange(drag.from, drag.to, nCols) : brush;

  const tip = cursor && cursor.col < nCols && cursor.row < nRows ? { ...cursor, count: countAt(cursor.col, cursor.row) } : null;
  const tipLeft = pointer ? pointer.x : tip ? colX(tip.col) + (colX(tip.col + 1) - colX(tip.col)) / 2 : 0;
  const tipTop = pointer ? pointer.y - rowPx / 2 : tip ? rowY(tip.row) : 0;
  const local = (e: { clientX: number; clientY: number }) => {
    const rect = canvas.current?.getBoundingClientRect();
    return rect ? { x: e.clientX - rect.left, y: e.clientY - rect.top } : null;
  };

  return (
    <div ref={wrap} className="relative w-full" style={{ height }}>
      <canvas
        ref={canvas}
        data-testid={testId}
        data-columns={nCols}
        data-rows={nRows}
        data-cells={summary.cells}
        // only once laid out (the server renders width 0): tests hover the hottest cell by these
        data-hot-x={summary.hot.count > 0 && width > 0 ? colX(summary.hot.col) + (colX(summary.hot.col + 1) - colX(summary.hot.col)) / 2 : undefined}
        data-hot-y={summary.hot.count > 0 && width > 0 ? rowY(summary.hot.row) + rowPx / 2 : undefined}
        role="img"
        aria-label={label}
        tabIndex={0}
        style={{ width: '100%', height }}
        data-brush={brush ? `${brush.from}-${brush.to}` : undefined}
        className="block cursor-crosshair rounded-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        onMouseMove={(e) => {
          const cell = cellAt(e.clientX, e.clientY);
          setCursor(cell);
          setPointer(local(e));
          if (drag && cell) setDrag({ from: drag.from, to: cell.col });
        }}
        onMouseLeave={() => {
          setCursor(null);
          setPointer(null);
          // a drag that leaves the canvas ends there (its mouseup would be missed)
          if (drag && onBrush) {
            onBrush(columnRange(drag.from, drag.to, nCols));
            setDrag(null);
          }
        }}
        onMouseDown={(e) => {
          if (!onBrush || e.button !== 0) return;
          const cell = cellAt(e.clientX, e.clientY);
          if (cell) setDrag({ from: cell.col, to: cell.col });
          e.preventDefault(); // no text selection while dragging
        }}
        onMouseUp={() => {
          if (!drag || !onBrush) return;
          onBrush(columnRange(drag.from, drag.to, nCols));
          setDrag(null);
        }}
        onFocus={() => setCursor((c) => c ?? (summary.hot.count > 0 ? { col: summary.hot.col, row: summary.hot.row } : { col: 0, row: 0 }))}
        onBlur={() => setCursor(null)}
        onKeyDown={(e) => {
          const k = e.key;
          if (k === 'ArrowLeft' && e.shiftKey && onBrush) extend(-1);
          else if (k === 'ArrowRight' && e.shiftKey && onBrush) extend(1);
          else if ((k === 'Enter' || k === ' ') && onBrush) {
            const at = cursor ?? summary.hot;
            onBrush(columnRange(at.col, at.col, nCols));
          } else if (k === 'ArrowLeft') move(-1, 0);
          else if (k === 'ArrowRight') move(1, 0);
          else if (k === 'ArrowUp') move(0, 1);
          else if (k === 'ArrowDown') move(0, -1);
          else if (k === 'Home') move(-nCols, 0);
          else if (k === 'End') move(nCols, 0);
          else if (k === 'Escape') {
            setCursor(null);
            if (brush && onBrush) onBrush(null);
          } else return;
          e.preventDefault();
        }}
      />
      {shown && width > 0 && (
        <div
          aria-hidden="true"
          data-testid="heatmap-brush"
          className="pointer-events-none absolute top-0 border-x-2 border-indigo-600 bg-indigo-500/15"
          style={{ left: colX(shown.from), width: Math.max(2, colX(shown.to + 1) - colX(shown.from)), height }}
        />
      )}
      {tip && !drag && (
        <div
          role="tooltip"
          data-testid="heatmap-tooltip"
          className="pointer-events-none absolute z-20 w-max max-w-xs rounded border border-slate-300 bg-white/95 px-2 py-1 text-xs text-slate-800 shadow"
          style={{
            left: tipLeft + 14 + 200 > width ? Math.max(0, tipLeft - 14 - 200) : tipLeft + 14,
            top: tipTop > height / 2 ? tipTop - 64 : tipTop + rowPx + 4,
          }}
        >
          {renderTooltip(tip)}
        </div>
      )}
      {/* keyboard users hear the cell they move to */}
      <div className="sr-only" aria-live="polite">
        {tip && cursor ? renderTooltip(tip) : null}
      </div>
    </div>
  );
}
