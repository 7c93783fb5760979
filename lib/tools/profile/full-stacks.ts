/**
 * The full, unpruned stacks of a profile run, kept beside the (pruned) display tree so that flame
 * graph exports (folded, pprof) hold every stack of the capture and add up to its samples, long after
 * the raw capture expired. Compact: a frame table plus, per distinct stack, [samples, frame ids...]
 * root first (comm, user frames outermost first, kernel frames, leaf last). A 30 s run of ~2,000
 * stacks is ~100 KB of JSON.
 */
import type { FullStacks, ToolResult } from '@/lib/tools/types';
import type { FlatTrie } from '@/lib/tools/profile/flat-trie';

/** distinct stacks kept; beyond it a stack's samples go to "<comm>;[more stacks than bpfdeck keeps]" */
export const MAX_FULL_STACKS = 200_000;
export const OVERFLOW_FRAME = '[more stacks than bpfdeck keeps]';

export type FrameKind = 'process' | 'user' | 'kernel';
const PREFIX: Record<FrameKind, string> = { process: 'p:', user: 'u:', kernel: 'k:' };

/**
 * The full stacks of a profile's trie (lib/tools/profile/flat-trie.ts): one per node with samples of
 * its own, its path from the comm down. Built when the run finishes, from the trie the parser keeps
 * anyway, rather than kept beside it while the run streams (that copy was about a third of a
 * profile run's memory). Past maxStacks, a stack's samples go to its comm's overflow stack.
 */
export function fullStacksFromTrie(trie: FlatTrie, maxStacks = MAX_FULL_STACKS): FullStacks {
  const frameIds = new Map<string, number>();
  const frames: string[] = [];
  const id = (key: string): number => {
    let i = frameIds.get(key);
    if (i === undefined) {
      i = frames.length;
      frames.push(key);
      frameIds.set(key, i);
    }
    return i;
  };
  const stacks: number[][] = [];
  const overflowByComm = new Map<number, number[]>();
  let overflowSamples = 0;
  trie.forEachStack((path, samples) => {
    const ids = path.map((node) => {
      const f = trie.frameOf(node);
      return id(PREFIX[f.kind as FrameKind] + f.name);
    });
    if (stacks.length < maxStacks) {
      stacks.push([samples, ...ids]);
      return;
    }
    overflowSamples += samples;
    let o = overflowByComm.get(ids[0]);
    if (!o) {
      o = [0, ids[0], id(PREFIX.process + OVERFLOW_FRAME)];
      overflowByComm.set(ids[0], o);
      stacks.push(o);
    }
    o[0] += samples;
  });
  return { frames, stacks, overflowSamples };
}

export interface DecodedFrame {
  name: string;
  kind: FrameKind;
}

export function decodeFrame(f: string): DecodedFrame {
  const kind: FrameKind = f.startsWith('k:') ? 'kernel' : f.startsWith('u:') ? 'user' : 'process';
  return { name: f.slice(2), kind };
}

export function fullStacksTotal(fs: FullStacks): number {
  let n = 0;
  for (const s of fs.stacks) n += s[0];
  return n;
}

/**
 * The result as the browser gets it: fullStacks replaced by their size (the view draws the pruned
 * tree; the stacks are for exports, made on the server). Other kinds are returned as they are.
 */
export function resultForView<T>(result: T): T {
  const r = result as unknown as ToolResult | null;
  if (r && typeof r === 'object' && r.kind === 'profile' && 'fullStacks' in r) {
    const { fullStacks, ...rest } = r;
    const summary = fullStacks ? { stacks: fullStacks.stacks.length, samples: fullStacksTotal(fullStacks) } : undefined;
    return { ...rest, ...(summary ? { fullStacksSummary: summary } : {}) } as unknown as T;
  }
  return result;
}

/** resultForView for stored JSON text; cheap when the text holds no fullStacks. */
export function resultJsonForView(json: string): string {
  if (!json.includes('"fullStacks"')) return json;
  return JSON.stringify(resultForView(JSON.parse(json)));
}
