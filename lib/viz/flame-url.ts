/**
 * What a profile view shows, as URL query parameters, so a shared link opens where the sender was:
 * the search, the zoomed frame (as its path of names from the root), the function of the sandwich
 * view and "hide idle". Pure: encode to and decode from URLSearchParams; the page's client code moves
 * them in and out of the address bar. Decoding takes hostile input (anyone can send a link): wrong
 * types and oversize values are dropped, never thrown.
 *
 * Parameter names carry a prefix (the tool id on a page with several results) so two views on one
 * page keep separate state: `profile.q`, `profile.zoom`, `profile.fn`, `profile.idle`.
 */
import type { StackNode } from '@/lib/tools/types';

export interface FlameViewState {
  /** the search box's text (a regular expression) */
  search: string;
  /** names from the root's child down to the zoomed frame; [] = not zoomed */
  zoom: string[];
  /** function of the sandwich view; null = none open */
  fn: string | null;
  /** idle samples hidden (lib/viz/idle.ts) */
  hideIdle: boolean;
}

export const EMPTY_FLAME_STATE: FlameViewState = { search: '', zoom: [], fn: null, hideIdle: false };

/** longest search or function name kept, characters */
export const MAX_URL_TEXT = 500;
/** deepest zoom path kept, frames */
export const MAX_ZOOM_DEPTH = 128;

const keys = (prefix: string) => ({ q: `${prefix}.q`, zoom: `${prefix}.zoom`, fn: `${prefix}.fn`, idle: `${prefix}.idle` });

/** The state as query parameters; the defaults are left out (a plain link stays plain). */
export function encodeFlameState(state: FlameViewState, prefix: string): Record<string, string> {
  const k = keys(prefix);
  const out: Record<string, string> = {};
  if (state.search) out[k.q] = state.search;
  if (state.zoom.length) out[k.zoom] = JSON.stringify(state.zoom);
  if (state.fn) out[k.fn] = state.fn;
  if (state.hideIdle) out[k.idle] = '1';
  return out;
}

export function decodeFlameState(params: URLSearchParams, prefix: string): FlameViewState {
  const k = keys(prefix);
  const text = (v: string | null) => (v && v.length <= MAX_URL_TEXT ? v : '');
  let zoom: string[] = [];
  const z = params.get(k.zoom);
  if (z && z.length <= MAX_URL_TEXT * 8) {
    try {
      const parsed: unknown = JSON.parse(z);
      if (Array.isArray(parsed) && parsed.length <= MAX_ZOOM_DEPTH && parsed.every((s) => typeof s === 'string' && s.length > 0 && s.length <= MAX_URL_TEXT)) {
        zoom = parsed as string[];
      }
    } catch {
      // not JSON: not zoomed
    }
  }
  return { search: text(params.get(k.q)), zoom, fn: text(params.get(k.fn)) || null, hideIdle: params.get(k.idle) === '1' };
}

/**
 * `current` with this view's parameters replaced by `state`'s (other parameters, e.g. another view's or
 * the compare page's a/b, are kept). Returns the query string without "?".
 */
export function mergeFlameState(current: URLSearchParams, state: FlameViewState, prefix: string): string {
  const next = new URLSearchParams(current);
  for (const key of Object.values(keys(prefix))) next.delete(key);
  for (const [key, v] of Object.entries(encodeFlameState(state, prefix))) next.set(key, v);
  return next.toString();
}

/**
 * The frame a zoom path leads to: follows the names from the root down, as far as they exist (a link
 * made on a live run may name frames a later result no longer holds). Returns the frames found, root
 * first (the root itself not included); [] when the first name is not there.
 */
export function followZoomPath<N extends Pick<StackNode, 'name'> & { children: readonly N[] }>(root: N, path: readonly string[]): N[] {
  const found: N[] = [];
  let at = root;
  for (const name of path) {
    const next = at.children.find((c) => c.name === name);
    if (!next) break;
    found.push(next);
    at = next;
  }
  return found;
}
