/**
 * The full, unpruned stacks of a profile run, kept beside the (pruned) display tree so that flame
 * graph exports (folded, pprof) hold every stack of the capture and add up to its samples, long after
 * the raw capture expired. Compact: a frame table plus, per distinct stack, [samples, frame ids...]
 * root first (comm, user frames outermost first, kernel frames, leaf last). A 30 s run of ~2,000
 * stacks is ~100 KB of JSON.
 */
import type { FullStacks, ToolResult } from '@/lib/tools/types';

/** distinct stacks kept; beyond it a stack's samples go to "<comm>;[more stacks than bpfdeck keeps]" */
export const MAX_FULL_STACKS = 200_000;
export const OVERFLOW_FRAME = '[more stacks than bpfdeck keeps]';

export type FrameKind = 'process' | 'user' | 'kernel';
const PREFIX: Record<FrameKind, string> = { process: 'p:', user: 'u:', kernel: 'k:' };

export interface FullStacksBuilder {
  /** one stack: comm, user and kernel frames as parseStack gives them (leaf first) */
  add(comm: string, userLeafFirst: readonly string[], kernelLeafFirst: readonly string[], samples: number): void;
  build(): FullStacks;
}

export function createFullStacksBuilder(maxStacks = MAX_FULL_STACKS): FullStacksBuilder {
  const frameIds = new Map<string, number>();
  const frames: string[] = [];
  const stacks = new Map<string, number[]>();
  let overflowSamples = 0;
  const id = (kind: FrameKind, name: string): number => {
    const k = PREFIX[kind] + name;
    let i = frameIds.get(k);
    if (i === undefined) {
      i = frames.length;
      frames.push(k);
      frameIds.set(k, i);
    }
    return i;
  };
  return {
    add(comm, user, kernel, samples) {
      const ids = [id('process', comm)];
      for (let i = user.length - 1; i >= 0; i--) ids.push(id('user', user[i]));
      for (let i = kernel.length - 1; i >= 0; i--) ids.push(id('kernel', kernel[i]));
      const key = ids.join(',');
      const s = stacks.get(key);
      if (s) s[0] += samples;
      else if (stacks.size < maxStacks) stacks.set(key, [samples, ...ids]);
      else {
        overflowSamples += samples;
        const ok = [ids[0], id('process', OVERFLOW_FRAME)].join(',');
        const o = stacks.get(ok);
        if (o) o[0] += samples;
        else stacks.set(ok, [samples, ids[0], frameIds.get(`p:${OVERFLOW_FRAME}`)!]);
      }
    },
    build: () => ({ frames: [...frames], stacks: [...stacks.values()].map((s) => [...s]), overflowSamples }),
  };
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
