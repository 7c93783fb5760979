'use client';
/**
 * Flame graph of a stack tree (d3-flame-graph; its ES module imports its own CSS). Pure: takes the
 * tree, never fetches. The chart is created once on a ref, `update()`d when the tree changes and `destroy()`ed on unmount. Kernel frames are drawn
 * in orange, user frames in blue-green, processes in grey, so the two sides of a stack read apart.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { StackNode } from '@/lib/tools/types';
import { FLAME_HIGHLIGHT, frameColor, validRegex } from '@/lib/viz/flame';
import { escapeControl } from '@/lib/viz/format';
import { PointerTooltip, usePointer } from '@/components/viz/PointerTooltip';

type Chart = {
  width(w: number): Chart;
  update(data?: unknown): Chart;
  search(term: string): void;
  clear(): void;
  resetZoom(): void;
  zoomTo(d: unknown): void;
  destroy(): Chart;
  inverted(b: boolean): Chart;
};

/** d3-hierarchy's node, as far as it is read here */
type HNode = { data: StackNode; children?: HNode[]; parent: HNode | null; ancestors(): HNode[] };

export interface FlameGraphProps {
  root: StackNode;
  /** accessible name of the chart */
  label?: string;
  /** height in px of one frame */
  cellHeightPx?: number;
  /**
   * A search set from outside (e.g. a click in the top-functions table): replaces the search box's
   * text whenever it changes. A regular expression, like the box.
   */
  searchTerm?: string;
  /**
   * Called with the clicked frame's call path below the root ([comm, outer frame, ..., the frame]; []
   * for the root), after the chart zooms into it: a fleet view shows the frame's share per host.
   */
  onFrameClick?: (path: Array<{ name: string; kind: StackNode['kind'] }>) => void;
  /** what a frame's value counts, in its tooltip ("samples"; a merged fleet graph: "samples per CPU") */
  valueUnit?: string;
  /** frame names from below the root to the frame to zoom into when the chart is created (a shared link) */
  initialZoomPath?: readonly string[];
  /** the user zoomed (clicked a frame, or Reset zoom: []) */
  onZoomChange?: (path: string[]) => void;
  /** the user typed a search */
  onSearchChange?: (term: string) => void;
  /** shown beside the zoom controls for the zoomed frame (e.g. "callers and callees") */
  zoomedActions?: (frame: StackNode) => ReactNode;
}

export function FlameGraph({
  root,
  label = 'CPU flame graph',
  cellHeightPx = 18,
  searchTerm,
  onFrameClick,
  valueUnit = 'samples',
  initialZoomPath,
  onZoomChange,
  onSearchChange,
  zoomedActions,
}: FlameGraphProps) {
  // the chart is created once: its handlers read the latest props through refs
  const onClickRef = useRef(onFrameClick);
  const unitRef = useRef(valueUnit);
  useEffect(() => {
    onClickRef.current = onFrameClick;
    unitRef.current = valueUnit;
  }, [onFrameClick, valueUnit]);
  const holder = useRef<HTMLDivElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [pointer, onPointerMove, onPointerLeave] = usePointer(wrap);
  /** the zoomed frame's path (names below the root), re-applied when new data replaces the tree */
  const zoomRef = useRef<string[]>(initialZoomPath ? [...initialZoomPath] : []);
  const [zoomed, setZoomed] = useState<StackNode | null>(null);
  const onZoomRef = useRef(onZoomChange);
  useEffect(() => {
    onZoomRef.current = onZoomChange;
  });
  const sel = useRef<{ datum(): unknown } | null>(null);
  /** zoom to the frame at zoomRef's path, as deep as it exists (no animation needed: it is a new tree) */
  const applyZoom = () => {
    const rootNode = sel.current?.datum() as HNode | undefined;
    if (!chart.current || !rootNode) return;
    let at = rootNode;
    for (const name of zoomRef.current) {
      const next = at.children?.find((c) => c.data.name === name);
      if (!next) break;
      at = next;
    }
    if (at !== rootNode) chart.current.zoomTo(at);
  };
  const invertedRef = useRef(false);
  /**
   * The holder scrolls (a deep stack, e.g. a JIT's 100 frames, would make the chart metres tall): keep
   * the root in view, at the bottom of a flame graph or the top of an icicle.
   */
  const showRoot = () =>
    requestAnimationFrame(() => {
      const el = holder.current;
      if (el) el.scrollTop = invertedRef.current ? 0 : el.scrollHeight;
    });
  const chart = useRef<Chart | null>(null);
  const [term, setTerm] = useState('');
  // the chart is created asynchronously: a search typed or set before it exists is applied on creation
  const termRef = useRef('');
  const [match, setMatch] = useState<{ sum: number; total: number } | null>(null);
  const [details, setDetails] = useState('');
  const [inverted, setInverted] = useState(false);

  // Create once.
  useEffect(() => {
    let disposed = false;
    let ro: ResizeObserver | undefined;
    void Promise.all([import('d3-flame-graph'), import('d3-selection')]).then(([fg, d3]) => {
      if (disposed || !holder.current) return;
      const el = holder.current;
      const c = (fg.default as unknown as () => Record<string, (...a: unknown[]) => unknown>)();
      c.width(Math.max(320, el.clientWidth));
      c.cellHeight(cellHeightPx);
      c.transitionDuration(250);
      c.minFrameSize(1);
      c.sort(true);
      // Frame names come from the traced host: every label, tooltip and the details line show them
      // with control and bidi/invisible format characters escaped (F4); search matches that text too.
      c.getName((d: unknown) => escapeControl((d as { data: StackNode }).data.name));
      c.setColorMapper((d: unknown, original: unknown) => {
        const node = d as { data: StackNode; highlight?: boolean };
        if (node.highlight) return FLAME_HIGHLIGHT;
        return frameColor(node.data.kind ?? 'user', node.data.name) ?? (original as string);
      });
      // fractional values (a fleet graph normalised per CPU) with at most 2 decimals, and the unit named
      c.setLabelHandler((d: unknown) => {
        const n = d as { data: StackNode; x0: number; x1: number; value: number };
        const v = n.value.toLocaleString('en-US', { maximumFractionDigits: 2 });
        return `${escapeControl(n.data.name)} (${(100 * (n.x1 - n.x0)).toFixed(3)}%, ${v} ${unitRef.current})`;
      });
      c.setSearchHandler((_results: unknown, sum: unknown, total: unknown) => setMatch({ sum: sum as number, total: total as number }));
      c.setDetailsHandler((text: unknown) => setDetails((text as string | null) ?? ''));
      // d3-flame-graph's own tooltip stays off: it appends to <body> and positions by page
      // coordinates; ours is drawn at the pointer below from the details text. The frames keep their
      // SVG <title> (what screen readers and the tests read).
      c.onClick((d: unknown) => {
        const node = d as HNode;
        const path = node
          .ancestors()
          .reverse()
          .slice(1)
          .map((a) => a.data.name);
        zoomRef.current = path;
        setZoomed(path.length ? node.data : null);
        onZoomRef.current?.(path);
        // one handler (d3-flame-graph keeps the last one set): a fleet view also gets the path's kinds
        onClickRef.current?.(
          node
            .ancestors()
            .reverse()
            .slice(1)
            .map((a) => ({ name: a.data.name, kind: a.data.kind })),
        );
      });
      chart.current = c as unknown as Chart;
      const s = d3.select(el).datum(structuredClone(root));
      s.call(c as never);
      sel.current = s as unknown as { datum(): unknown };
      applyZoom();
      showRoot();
      if (termRef.current && validRegex(termRef.current)) chart.current.search(termRef.current);
      ro = new ResizeObserver(() => {
        if (chart.current && el.clientWidth > 0) chart.current.width(el.clientWidth).update();
      });
      ro.observe(el);
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- created once; data flows through update()
  }, []);

  // New data (live partial results, a finished run): update in place, keep the search.
  useEffect(() => {
    if (!chart.current) return;
    chart.current.update(structuredClone(root));
    if (term && validRegex(term)) chart.current.search(term);
    applyZoom();
    showRoot();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on new data: a new term reaches the chart through runSearch
  }, [root]);

  useEffect(() => {
    invertedRef.current = inverted;
    chart.current?.inverted(inverted).update();
    showRoot();
  }, [inverted]);

  const runSearch = (t: string, fromUser = false) => {
    setTerm(t);
    if (fromUser) onSearchChange?.(t);
    termRef.current = t;
    if (!chart.current) return;
    // d3-flame-graph builds a RegExp from the term: a half-typed "foo(" must not throw
    if (t && validRegex(t)) chart.current.search(t);
    else {
      chart.current.clear();
      setMatch(null);
    }
  };

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the outside term goes to the d3 chart (outside React) as well as the input
    if (searchTerm !== undefined) runSearch(searchTerm);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the outside term changes
  }, [searchTerm]);

  return (
    <figure className="space-y-2" aria-label={label}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <input
          type="search"
          value={term}
          onChange={(e) => runSearch(e.target.value, true)}
          placeholder="Search frames (regex)"
          aria-label="Search frames"
          className="w-64 rounded border border-slate-300 px-2 py-1"
        />
        {term && !validRegex(term) && <span className="text-red-700">not a valid regular expression</span>}
        {match && term && (
          <span data-testid="flame-search-share" className="text-slate-700">
            matched {match.sum.toLocaleString()} of {match.total.toLocaleString()} samples ({match.total ? ((100 * match.sum) / match.total).toFixed(1) : '0.0'}
            %)
          </span>
        )}
        <button type="button" onClick={() => chart.current?.resetZoom()} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
          Reset zoom
        </button>
        {zoomed && zoomedActions?.(zoomed)}
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={inverted} onChange={(e) => setInverted(e.target.checked)} /> Icicle
        </label>
        <span className="ml-auto flex items-center gap-3 text-xs text-slate-600">
          <span>
            <span className="mr-1 inline-block h-3 w-3 rounded-sm" style={{ background: 'hsl(170,55%,60%)' }} />
            user
          </span>
          <span>
            <span className="mr-1 inline-block h-3 w-3 rounded-sm" style={{ background: 'hsl(30,85%,62%)' }} />
            kernel
          </span>
        </span>
      </div>
      {/* focusable, so the keyboard scrolls a tall graph too (axe: scrollable-region-focusable) */}
      <div ref={wrap} className="relative" onMouseMove={onPointerMove} onMouseLeave={onPointerLeave}>
        <div
          ref={holder}
          data-testid="flamegraph"
          tabIndex={0}
          role="region"
          aria-label={`${label} (scroll with the arrow keys)`}
          className="max-h-[600px] w-full overflow-y-auto overflow-x-hidden rounded border border-slate-200 bg-white focus-visible:ring-2 focus-visible:ring-indigo-500"
        />
        <PointerTooltip pos={details ? pointer : null} testId="flame-tooltip">
          {details || null}
        </PointerTooltip>
      </div>
      <figcaption className="min-h-5 font-mono text-xs text-slate-600" aria-live="polite">
        {details || 'Click a frame to zoom; hover for details.'}
      </figcaption>
    </figure>
  );
}
