/**
 * Parser of bpftrace-tools/profile.bt output (see the protocol in its header):
 *   @stacks_a / @stacks_b [pid, kstack, ustack, comm] = samples
 *       keyed maps used in turn, one printed every 2 s and the live one at exit; deltas (the script
 *       clears a map after printing it), so counts are summed. Plain @stacks (one map) is accepted too.
 *   @samples = samples counted in the kernel, unkeyed, at exit
 * into a flame tree: all -> comm -> user frames (outermost first) -> kernel frames (leaf last).
 * Work is incremental: samples go straight into a flat trie (flat-trie.ts); records are not kept.
 */
import type { BtRecord } from '@/lib/bpftrace/types';
import { parseStack } from '@/lib/bpftrace/stacks';
import type { ProfileResult, ResultStats, StackNode, ToolParser } from '@/lib/tools/types';
import { countRecord } from '@/lib/tools/record-stats';
import { fullStacksFromTrie } from '@/lib/tools/profile/full-stacks';
import { FlatTrie } from '@/lib/tools/profile/flat-trie';
import { MaxHeap } from '@/lib/tools/profile/max-heap';

export const PROFILE_DEFAULT_SAMPLE_HZ = 99;
export const DEFAULT_MAX_NODES = 20_000;
/** node cap of live snapshots (the final result keeps up to maxNodes) */
export const LIVE_MAX_NODES = 5_000;
export const DEFAULT_MIN_SHARE = 0.0005;
export const DEFAULT_MAX_PROCESSES = 100;
/** process node for stack keys that do not split as pid,kstack,ustack,comm */
export const UNPARSED_KEY_COMM = '[unparsed key]';
/** profile.bt's double-buffered stack maps (plain @stacks: the single-map protocol of earlier versions) */
const STACK_MAPS = new Set(['@stacks_a', '@stacks_b', '@stacks']);

export interface ProfileParserOptions {
  /** sampling rate of profile.bt (profile:hz:N), reported in the result */
  sampleHz?: number;
  /** node cap of the trees returned by snapshot()/finish() */
  maxNodes?: number;
  /** nodes narrower than this share of all samples are dropped from returned trees (0.0005 = 0.05 %) */
  minShare?: number;
  /** length of ProfileResult.processes */
  maxProcesses?: number;
}

// ---------------------------------------------------------------------------------------------
// Key splitting

export interface ProfileKey {
  pid: number;
  /** stack texts as printed (after the decoder's unescaping) */
  kstack: string;
  ustack: string;
  comm: string;
}

/**
 * Read one stack at the start of `s` (which follows a `,`): "" + "," (0.17 empty), "\n," (0.23 empty),
 * or "\n" + frame lines up to the first "\n," (frame lines start with indentation, so never with ",").
 * Returns [stack, rest after its ","] or null.
 */
function takeStack(s: string): [string, string] | null {
  if (s.startsWith(',')) return ['', s.slice(1)];
  if (!s.startsWith('\n')) return null;
  const end = s.indexOf('\n,');
  return end === -1 ? null : [s.slice(0, end + 1), s.slice(end + 2)];
}

/** Split "pid,kstack,ustack,comm"; comm is the rest and may itself hold commas. null if it does not fit. */
export function splitProfileKey(key: string): ProfileKey | null {
  const m = /^(\d+),/.exec(key);
  if (!m) return null;
  const k = takeStack(key.slice(m[0].length));
  if (!k) return null;
  const u = takeStack(k[1]);
  if (!u) return null;
  return { pid: Number(m[1]), kstack: k[0], ustack: u[0], comm: u[1] };
}

// ---------------------------------------------------------------------------------------------
// Tree helpers (pure, on StackNode)

export interface PruneOptions {
  maxNodes?: number;
  minShare?: number;
}

export interface PruneResult {
  root: StackNode;
  nodesBefore: number;
  nodesAfter: number;
  /** true when any node was dropped */
  pruned: boolean;
}

export function countNodes(root: StackNode): number {
  let n = 0;
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    n++;
    for (const c of node.children) stack.push(c);
  }
  return n;
}

/**
 * Prune a flame tree for the browser: drop nodes narrower than minShare of the root's value, then keep
 * at most maxNodes nodes, the widest ones. A child is never wider than its parent, so taking nodes
 * widest-first from the root keeps the result connected. Values are inclusive and left as they are:
 * the samples of dropped children stay in their parent's value (they show as its self time).
 * Returns a new tree; the input is not modified.
 */
export function pruneTree(root: StackNode, opts: PruneOptions = {}): PruneResult {
  const maxNodes = Math.max(1, opts.maxNodes ?? DEFAULT_MAX_NODES);
  const minValue = (opts.minShare ?? DEFAULT_MIN_SHARE) * root.value;
  const nodesBefore = countNodes(root);

  const kept = new Set<StackNode>([root]);
  const heap = new MaxHeap<StackNode>((n) => n.value);
  const offer = (n: StackNode) => {
    for (const c of n.children) if (c.value >= minValue && c.value > 0) heap.push(c);
  };
  offer(root);
  while (heap.size > 0 && kept.size < maxNodes) {
    const n = heap.pop();
    kept.add(n);
    offer(n);
  }

  const copy = (n: StackNode): StackNode => ({
    name: n.name,
    value: n.value,
    kind: n.kind,
    children: n.children.filter((c) => kept.has(c)).map(copy),
  });
  const out = copy(root);
  return { root: out, nodesBefore, nodesAfter: kept.size, pruned: kept.size < nodesBefore };
}

export interface FoldedOptions {
  /** appended to kernel frame names, e.g. "_[k]" for flamegraph.pl --color=java (default none) */
  kernelSuffix?: string;
}

/** A frame name safe for the folded format (";" separates frames, the last " " precedes the count). */
function foldedName(name: string): string {
  return name.replace(/;/g, ':').replace(/[\r\n]/g, ' ');
}

/**
 * Folded stacks ("comm;outer;...;leaf count"), one line per node with self samples (value minus the
 * children's values), root excluded. This is the input of flamegraph.pl, speedscope, inferno.
 */
export function foldedStacks(root: StackNode, opts: FoldedOptions = {}): string[] {
  const suffix = opts.kernelSuffix ?? '';
  const lines: string[] = [];
  const walk = (node: StackNode, path: string) => {
    let childSum = 0;
    for (const c of node.children) childSum += c.value;
    const self = node.value - childSum;
    if (self > 0 && path !== '') lines.push(`${path} ${self}`);
    for (const c of node.children) {
      const name = foldedName(c.name) + (c.kind === 'kernel' ? suffix : '');
      walk(c, path === '' ? name : `${path};${name}`);
    }
  };
  walk(root, '');
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The incremental trie

export function createProfileParser(opts: ProfileParserOptions = {}): ToolParser<ProfileResult> {
  const sampleHz = opts.sampleHz ?? PROFILE_DEFAULT_SAMPLE_HZ;
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  const minShare = opts.minShare ?? DEFAULT_MIN_SHARE;
  const maxProcesses = opts.maxProcesses ?? DEFAULT_MAX_PROCESSES;

  const trie = new FlatTrie('all');
  const stats: ResultStats = { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 };
  let samplesCounted: number | null = null;
  /** samples per (pid, comm): a pid may exec and change comm */
  const perProcess = new Map<string, { pid: number; comm: string; samples: number }>();
  /** stacks repeat a lot across prints: cache their parsed frames (bounded, cleared when full) */
  /**
   * A stack's frames (leaf first) as the trie's name ids. Not cached by stack text: measured on 32
   * busy-host captures, a cache keyed by the text held 0.8 MB a run and was slower than parsing again
   * (a lookup hashes and compares the whole text; decoding the JSON costs more than both).
   */
  const NO_FRAMES = new Int32Array(0);
  const frames = (stack: string): Int32Array => (stack.length <= 1 ? NO_FRAMES : Int32Array.from(parseStack(stack), (name) => trie.nameId(name)));

  const addSamples = (key: ProfileKey, count: number) => {
    trie.add(trie.root, count);
    let node = trie.child(trie.root, trie.nameId(key.comm), 'process');
    trie.add(node, count);
    const user = frames(key.ustack);
    for (let i = user.length - 1; i >= 0; i--) {
      node = trie.child(node, user[i], 'user');
      trie.add(node, count);
    }
    const kernel = frames(key.kstack);
    for (let i = kernel.length - 1; i >= 0; i--) {
      node = trie.child(node, kernel[i], 'kernel');
      trie.add(node, count);
    }
    const pk = `${key.pid}\u0000${key.comm}`;
    const p = perProcess.get(pk);
    if (p) p.samples += count;
    else perProcess.set(pk, { pid: key.pid, comm: key.comm, samples: count });
  };

  const push = (rec: BtRecord) => {
    if (countRecord(stats, rec)) return;
    switch (rec.type) {
      case 'map':
        if (STACK_MAPS.has(rec.name) && rec.keyed) {
          for (const [key, value] of rec.entries) {
            if (typeof value !== 'number' || !(value > 0)) continue;
            // A key that does not split (never seen: it would take a wrong key-escape decision) keeps
            // its samples visible, so the tree still adds up to what bpftrace reported.
            addSamples(splitProfileKey(key) ?? { pid: 0, kstack: '', ustack: '', comm: UNPARSED_KEY_COMM }, value);
          }
        } else if (rec.name === '@samples' && !rec.keyed && typeof rec.value === 'number') {
          samplesCounted = rec.value; // never cleared by the script: the latest print is the total
        }
        return;
      default:
        return;
    }
  };

  const result = (withFullStacks: boolean): ProfileResult => {
    // a live snapshot (every second, to every open view) is drawn with fewer nodes than the final result
    const pr = trie.pruned({ maxNodes: withFullStacks ? maxNodes : Math.min(maxNodes, LIVE_MAX_NODES), minShare });
    const processes = [...perProcess.values()]
      .sort((a, b) => b.samples - a.samples || a.pid - b.pid)
      .slice(0, maxProcesses)
      .map((p) => ({ ...p }));
    return {
      kind: 'profile',
      sampleHz,
      samplesCounted,
      samplesInTree: trie.value(trie.root),
      root: pr.root,
      processes,
      pruned: pr.pruned ? { nodesBefore: pr.nodesBefore, nodesAfter: pr.nodesAfter, minShare, maxNodes } : null,
      stats: { ...stats },
      // live snapshots go to the browser: they never carry the full stacks
      ...(withFullStacks ? { fullStacks: fullStacksFromTrie(trie) } : {}),
    };
  };

  return { push, snapshot: () => result(false), finish: () => result(true) };
}
