'use client';
/**
 * Roving tabindex: the items under `ref` that match `selector` are ONE Tab stop; the arrow keys move
 * between them (Home/End to the ends, PageUp/PageDown by `pageStep`). A table of 1,000 live rows or a
 * graph of 85 endpoints is then one press of Tab, not 1,000.
 *
 * Done on the DOM, not in React state: the items come and go (virtualized rows, live results), and
 * the components stay as they are (their items keep their own tabIndex={0}; the hook overrides it).
 * The active item is remembered by `data-index` when items carry one (virtualized rows keep their
 * place in the whole table), else by position. When it is not rendered, the first item is the stop.
 */
import { type RefObject, useEffect } from 'react';

export interface RovingOptions {
  /** which arrow keys move: 'vertical' (Up/Down), 'horizontal' (Left/Right) or 'both' */
  orientation?: 'vertical' | 'horizontal' | 'both';
  /** items PageUp/PageDown move by (vertical lists) */
  pageStep?: number;
  /** Home/End beyond the rendered items (a virtualized list): scroll there, then focus */
  scrollToEnd?: (where: 'start' | 'end') => void;
}

export function useRovingFocus(ref: RefObject<HTMLElement | SVGElement | null>, selector: string, opts: RovingOptions = {}): void {
  const { orientation = 'vertical', pageStep = 10, scrollToEnd } = opts;
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    let activeKey: string | null = null;
    const items = () => Array.from(root.querySelectorAll<HTMLElement | SVGElement>(selector));
    const keyOf = (el: Element, i: number) => (el as HTMLElement).dataset?.index ?? `#${i}`;
    const apply = () => {
      const els = items();
      if (els.length === 0) return;
      let at = activeKey === null ? -1 : els.findIndex((el, i) => keyOf(el, i) === activeKey);
      if (at < 0) at = 0;
      els.forEach((el, i) => {
        const want = i === at ? '0' : '-1';
        if (el.getAttribute('tabindex') !== want) el.setAttribute('tabindex', want);
      });
    };
    const focusAt = (els: Array<HTMLElement | SVGElement>, i: number) => {
      const el = els[Math.max(0, Math.min(els.length - 1, i))];
      if (!el) return;
      activeKey = keyOf(el, els.indexOf(el));
      apply();
      el.focus();
    };
    apply();
    // new items (rows scrolled in, a new live result) arrive with tabIndex 0: put them back in line
    const mo = new MutationObserver(apply);
    mo.observe(root, { childList: true, subtree: true });
    const onFocusIn = (e: Event) => {
      const els = items();
      const i = els.indexOf(e.target as HTMLElement);
      if (i < 0) return;
      activeKey = keyOf(els[i], i);
      apply();
    };
    const onKey = (e: Event) => {
      const ke = e as KeyboardEvent;
      const els = items();
      const i = els.indexOf(ke.target as HTMLElement);
      if (i < 0 || ke.altKey || ke.ctrlKey || ke.metaKey) return;
      const v = orientation !== 'horizontal';
      const h = orientation !== 'vertical';
      let next: number | null = null;
      if ((v && ke.key === 'ArrowDown') || (h && ke.key === 'ArrowRight')) next = i + 1;
      else if ((v && ke.key === 'ArrowUp') || (h && ke.key === 'ArrowLeft')) next = i - 1;
      else if (v && ke.key === 'PageDown') next = i + pageStep;
      else if (v && ke.key === 'PageUp') next = i - pageStep;
      else if (ke.key === 'Home' || ke.key === 'End') {
        ke.preventDefault();
        const where = ke.key === 'Home' ? 'start' : 'end';
        if (scrollToEnd) {
          scrollToEnd(where);
          // the virtualizer renders the rows there in the next frames
          requestAnimationFrame(() => requestAnimationFrame(() => focusAt(items(), where === 'start' ? 0 : Infinity)));
        } else focusAt(els, where === 'start' ? 0 : els.length - 1);
        return;
      }
      if (next === null) return;
      ke.preventDefault();
      focusAt(els, next);
    };
    root.addEventListener('focusin', onFocusIn);
    root.addEventListener('keydown', onKey);
    return () => {
      mo.disconnect();
      root.removeEventListener('focusin', onFocusIn);
      root.removeEventListener('keydown', onKey);
    };
  }, [ref, selector, orientation, pageStep, scrollToEnd]);
}
