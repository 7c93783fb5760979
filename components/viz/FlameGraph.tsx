'use client';
/**
 * Flame graph of a stack tree (d3-flame-graph; its ES module imports its own CSS). Pure: takes the
 * tree, never fetches. The chart is created once on a ref, `update()`d when the tree changes and `destroy()`ed on unmount. Kernel frames are drawn
 * in orange, user frames in blue-green, processes in grey, so the two sides of a stack read apart.
 */
import { useEffect, useRef, useState } from 'react';
import type { StackNode } from '@/lib/tools/types';
import { FLAME_HIGHLIGHT, frameColor, validRegex } from '@/lib/viz/flame';
import { escapeControl } from '@/lib/viz/format';

type Chart = {
  width(w: number): Chart;
  update(data?: unknown): Chart;
  search(term: string): void;
  clear(): void;
  resetZoom(): void;
  destroy(): Chart;
  inverted(b: boolean): Chart;
};

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
}

export function FlameGraph({ root, label = 'CPU flame graph', cellHeightPx = 18, searchTerm }: FlameGraphProps) {
  const holder = useRef<HTMLDivElement>(null);
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
      c.setSearchHandler((_results: unknown, sum: unknown, total: unknown) => setMatch({ sum: sum as number, total: total as number }));
      c.setDetailsHandler((text: unknown) => setDetails((text as string | null) ?? ''));
      chart.current = c as unknown as Chart;
      d3.select(el)
        .datum(structuredClone(root))
        .call(c as never);
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
    showRoot();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on new data: a new term reaches the chart through runSearch
  }, [root]);

  useEffect(() => {
    invertedRef.current = inverted;
    chart.current?.inverted(inverted).update();
    showRoot();
  }, [inverted]);

  const runSearch = (t: string) => {
    setTerm(t);
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
  }, [searchTerm]);

  return (
    <figure className="space-y-2" aria-label={label}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <input
          type="search"
          value={term}
          onChange={(e) => runSearch(e.target.value)}
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
      <div
        ref={holder}
        data-testid="flamegraph"
        tabIndex={0}
        role="region"
        aria-label={`${label} (scroll with the arrow keys)`}
        className="max-h-[600px] w-full overflow-y-auto overflow-x-hidden rounded border border-slate-200 bg-white"
      />
      <figcaption className="min-h-5 font-mono text-xs text-slate-600" aria-live="polite">
        {details || 'Click a frame to zoom; hover for details.'}
      </figcaption>
    </figure>
  );
}
