/**
 * The merged flame graph of a fleet run: every host's profile tree merged by path (process, then
 * frames; kind and name, as lib/reports/compare.ts merges two trees), samples summed. Optionally each
 * host's samples are divided by its CPU count first ("samples per CPU"), so a 64-CPU host does not drown
 * a 2-CPU one: a frame's width then says how busy the hosts were, not how big. Optionally a host level
 * (all -> host -> comm -> ...) keeps each host's tower apart.
 *
 * Clicking a frame asks `frameShares`: the same call path in each host's own tree, its samples and its
 * share of the frame, which says which hosts burn that function. Trees from the API are pruned for
 * drawing (lib/tools/profile/parse.ts pruneTree): a path pruned away on a host counts 0 there.
 *
 * Exports of the merged graph (folded, pprof) are made from every host's full stacks when the result
 * holds them (server side), with the host as an optional first frame: `mergedProfile` builds one
 * ProfileResult that lib/export/folded.ts and lib/export/pprof.ts turn into files unchanged. Pure.
 */
import { profileStacks } from '@/lib/export/folded';
import { pruneTree } from '@/lib/tools/profile/parse';
import type { FullStacks, ProfileResult, ResultStats, StackNode } from '@/lib/tools/types';
import { withResult, type FleetHostInput } from '@/lib/fleet/views/hosts';

export type FlameNormalize = 'samples' | 'per-cpu';

export interface MergeFlameOptions {
  normalize?: FlameNormalize;
  /** a host level under the root (all -> host -> comm -> ...) */
  groupByHost?: boolean;
  /** node cap of the merged tree (default 20,000, as one host's) */
  maxNodes?: number;
}

export interface MergedFlameHost {
  hostId: string;
  hostName: string;
  /** samples in the host's tree */
  samples: number;
  cpuCount: number | null;
  /** what each of its samples weighs in the merged tree: 1, or 1 / cpuCount */
  weight: number;
}

export interface MergedFlame {
  /** values in `unit`: samples, or samples per CPU (fractions) */
  root: StackNode;
  unit: 'samples' | 'samples per CPU';
  hosts: MergedFlameHost[];
  /** samples of all hosts, unweighted */
  samples: number;
  sampleHz: number;
  /** hosts without a CPU count: weighted as 1 CPU when normalising (said under the graph) */
  cpuUnknown: string[];
  pruned: { nodesBefore: number; nodesAfter: number } | null;
}

interface MNode {
  name: string;
  kind: StackNode['kind'];
  value: number;
  children: Map<string, MNode>;
}

const keyOf = (kind: StackNode['kind'], name: string) => `${kind === 'kernel' ? 'k' : kind === 'user' ? 'u' : kind === 'root' ? 'r' : 'p'}:${name}`;

function mnode(name: string, kind: StackNode['kind']): MNode {
  return { name, kind, value: 0, children: new Map() };
}

/** Add `src`'s subtree (values x weight) under `dst` (iterative: stacks can be deep). */
function addInto(dst: MNode, src: StackNode, weight: number): void {
  const stack: Array<[MNode, StackNode]> = [[dst, src]];
  while (stack.length) {
    const [d, s] = stack.pop()!;
    d.value += s.value * weight;
    for (const c of s.children) {
      const k = keyOf(c.kind, c.name);
      let dc = d.children.get(k);
      if (!dc) {
        dc = mnode(c.name, c.kind);
        d.children.set(k, dc);
      }
      stack.push([dc, c]);
    }
  }
}

function toStackNode(root: MNode): StackNode {
  // iterative post-order: build children before parents
  const out = new Map<MNode, StackNode>();
  const stack: Array<[MNode, boolean]> = [[root, false]];
  while (stack.length) {
    const [n, done] = stack.pop()!;
    if (!done) {
      stack.push([n, true]);
      for (const c of n.children.values()) stack.push([c, false]);
      continue;
    }
    const children = [...n.children.values()].map((c) => out.get(c)!);
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : 1));
    out.set(n, { name: n.name, kind: n.kind, value: n.value, children });
  }
  return out.get(root)!;
}

export function weightOf(h: Pick<FleetHostInput, 'cpuCount'>, normalize: FlameNormalize): number {
  if (normalize !== 'per-cpu') return 1;
  return h.cpuCount && h.cpuCount > 0 ? 1 / h.cpuCount : 1;
}

/** The hosts' profile trees merged into one (see the file comment). Hosts without a profile result are left out. */
export function mergeFlame(input: ReadonlyArray<FleetHostInput<unknown>>, opts: MergeFlameOptions = {}): MergedFlame {
  const normalize = opts.normalize ?? 'samples';
  const hosts = withResult<ProfileResult>(input, ['profile']);
  const root = mnode('all', 'root');
  const out: MergedFlameHost[] = [];
  let samples = 0;
  for (const h of hosts) {
    const weight = weightOf(h, normalize);
    const r = h.result.root;
    if (opts.groupByHost) {
      const k = keyOf('process', h.hostName);
      let hn = root.children.get(`host:${k}`);
      if (!hn) {
        hn = mnode(h.hostName, 'process');
        root.children.set(`host:${k}`, hn);
      }
      root.value += r.value * weight;
      addInto(hn, r, weight);
    } else {
      addInto(root, r, weight);
    }
    out.push({ hostId: h.hostId, hostName: h.hostName, samples: r.value, cpuCount: h.cpuCount, weight });
    samples += r.value;
  }
  root.name = 'all';
  const tree = toStackNode(root);
  const pr = pruneTree(tree, { maxNodes: opts.maxNodes ?? 20_000, minShare: 0 });
  return {
    root: pr.root,
    unit: normalize === 'per-cpu' ? 'samples per CPU' : 'samples',
    hosts: out,
    samples,
    sampleHz: hosts[0]?.result.sampleHz ?? 99,
    cpuUnknown: normalize === 'per-cpu' ? hosts.filter((h) => !(h.cpuCount && h.cpuCount > 0)).map((h) => h.hostName) : [],
    pruned: pr.pruned ? { nodesBefore: pr.nodesBefore, nodesAfter: pr.nodesAfter } : null,
  };
}

/** A frame of a call path, from below the root: [comm, outer frame, ..., the frame]. */
export interface FramePathStep {
  name: string;
  kind: StackNode['kind'];
}

export interface FrameShare {
  hostId: string;
  hostName: string;
  /** the frame's samples on this host (inclusive: it and what it called) */
  samples: number;
  /** samples x the host's weight (= samples unless normalised per CPU) */
  value: number;
  /** this host's part of the frame in the merged graph, 0..1 */
  shareOfFrame: number;
  /** the frame's share of this host's own samples, 0..1 */
  shareOfHost: number;
}

export interface FrameSharesResult {
  path: FramePathStep[];
  /** the frame in the merged graph, in its unit */
  value: number;
  /** every host with a profile, busiest in this frame first (hosts with 0 included: they do not burn it) */
  hosts: FrameShare[];
}

function findPath(root: StackNode, path: readonly FramePathStep[]): StackNode | null {
  let n: StackNode | undefined = root;
  for (const step of path) {
    n = n.children.find((c) => c.name === step.name && c.kind === step.kind);
    if (!n) return null;
  }
  return n;
}

/**
 * Each host's share of the frame at `path` (as clicked in the merged graph). With a host level
 * (groupByHost), the path's first step is the host and is dropped: the same call path is looked up on
 * every host, so a click on one host's tower still compares all hosts.
 */
export function frameShares(
  input: ReadonlyArray<FleetHostInput<unknown>>,
  path: readonly FramePathStep[],
  opts: { normalize?: FlameNormalize; groupByHost?: boolean } = {},
): FrameSharesResult {
  const normalize = opts.normalize ?? 'samples';
  const hosts = withResult<ProfileResult>(input, ['profile']);
  const p = opts.groupByHost && path.length > 0 && hosts.some((h) => h.hostName === path[0].name) ? path.slice(1) : path;
  const rows = hosts.map((h) => {
    const node = p.length === 0 ? h.result.root : findPath(h.result.root, p);
    const samples = node?.value ?? 0;
    return {
      hostId: h.hostId,
      hostName: h.hostName,
      samples,
      value: samples * weightOf(h, normalize),
      shareOfFrame: 0,
      shareOfHost: h.result.root.value > 0 ? samples / h.result.root.value : 0,
    };
  });
  const value = rows.reduce((a, r) => a + r.value, 0);
  for (const r of rows) r.shareOfFrame = value > 0 ? r.value / value : 0;
  rows.sort((a, b) => b.value - a.value || (a.hostName < b.hostName ? -1 : 1));
  return { path: [...p], value, hosts: rows };
}

/**
 * Each host's share of a function wherever it is on the stack (its total samples, recursion counted
 * once: lib/viz/flame.ts topFunctions). Call paths differ between hosts (another libc, frames a host
 * could not symbolise, e.g. a chroot's libc shown as raw addresses), the function's name does not: this
 * is the robust answer to "which hosts burn it".
 */
export function functionShares(
  input: ReadonlyArray<FleetHostInput<unknown>>,
  name: string,
  opts: { normalize?: FlameNormalize } = {},
): { name: string; value: number; hosts: FrameShare[] } {
  const normalize = opts.normalize ?? 'samples';
  const hosts = withResult<ProfileResult>(input, ['profile']);
  const rows = hosts.map((h) => {
    const samples = functionTotal(h.result.root, name);
    return {
      hostId: h.hostId,
      hostName: h.hostName,
      samples,
      value: samples * weightOf(h, normalize),
      shareOfFrame: 0,
      shareOfHost: h.result.root.value > 0 ? samples / h.result.root.value : 0,
    };
  });
  const value = rows.reduce((a, r) => a + r.value, 0);
  for (const r of rows) r.shareOfFrame = value > 0 ? r.value / value : 0;
  rows.sort((a, b) => b.value - a.value || (a.hostName < b.hostName ? -1 : 1));
  return { name, value, hosts: rows };
}

/** Samples with a user or kernel frame `name` anywhere on the stack (the outermost occurrence counts). */
export function functionTotal(root: StackNode, name: string): number {
  let total = 0;
  const stack: StackNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.name === name && (n.kind === 'user' || n.kind === 'kernel')) total += n.value;
    else for (const c of n.children) stack.push(c);
  }
  return total;
}

export interface MergedProfileOptions {
  /** the host's name as the first frame of every stack (host;comm;...): keeps hosts apart in the files */
  hostPrefix?: boolean;
}

/**
 * One ProfileResult holding every host's stacks (their full stacks when stored, else their trees), for
 * lib/export's folded and pprof writers. Sample counts stay whole (exports are not normalised).
 */
export function mergedProfile(input: ReadonlyArray<FleetHostInput<unknown>>, opts: MergedProfileOptions = {}): ProfileResult {
  const hosts = withResult<ProfileResult>(input, ['profile']);
  const frameIds = new Map<string, number>();
  const frames: string[] = [];
  const byKey = new Map<string, number[]>();
  const id = (f: string) => {
    let i = frameIds.get(f);
    if (i === undefined) {
      i = frames.length;
      frames.push(f);
      frameIds.set(f, i);
    }
    return i;
  };
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  let samplesCounted: number | null = null;
  let overflowSamples = 0;
  const processes = new Map<string, { pid: number; comm: string; samples: number }>();
  for (const h of hosts) {
    const r = h.result;
    for (const k of Object.keys(stats) as Array<keyof ResultStats>) stats[k] += r.stats[k];
    if (r.samplesCounted !== null) samplesCounted = (samplesCounted ?? 0) + r.samplesCounted;
    overflowSamples += r.fullStacks?.overflowSamples ?? 0;
    for (const p of r.processes) {
      const comm = opts.hostPrefix ? `${h.hostName}: ${p.comm}` : p.comm;
      const k = `${h.hostId}\u0000${p.pid}\u0000${p.comm}`;
      const e = processes.get(k);
      if (e) e.samples += p.samples;
      else processes.set(k, { pid: p.pid, comm, samples: p.samples });
    }
    for (const s of profileStacks(r).stacks) {
      const ids = s.frames.map((f) => id(`${f.kind === 'kernel' ? 'k' : f.kind === 'user' ? 'u' : 'p'}:${f.name}`));
      if (opts.hostPrefix) ids.unshift(id(`p:${h.hostName}`));
      const key = ids.join(',');
      const e = byKey.get(key);
      if (e) e[0] += s.samples;
      else byKey.set(key, [s.samples, ...ids]);
    }
  }
  const fullStacks: FullStacks = { frames, stacks: [...byKey.values()], overflowSamples };
  const merged = mergeFlame(input, { groupByHost: opts.hostPrefix });
  return {
    kind: 'profile',
    sampleHz: merged.sampleHz,
    samplesCounted,
    samplesInTree: merged.samples,
    root: merged.root,
    processes: [...processes.values()].sort((a, b) => b.samples - a.samples).slice(0, 100),
    pruned: merged.pruned ? { ...merged.pruned, minShare: 0, maxNodes: 20_000 } : null,
    stats,
    fullStacks,
  };
}
