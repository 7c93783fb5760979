/**
 * Large inputs for performance checks, built from real parsed results (never made-up values): an
 * event table replicated from real rows with varied numbers, and a profile of many unique stacks made
 * of real frame names. Deterministic (seeded PRNG), so a screenshot or a figure can be compared
 * between runs. Used by the dev gallery only.
 */
import type { EventCellValue, EventTableResult, ProfileResult, StackNode } from '@/lib/tools/types';
import { DEFAULT_MAX_NODES, DEFAULT_MIN_SHARE, countNodes, pruneTree } from '@/lib/tools/profile/parse';

/** mulberry32: small, fast, good enough for test data. Returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticRowsOptions {
  rows?: number;
  seed?: number;
  /** the synthetic run's length, s: time columns are spread over it in arrival order */
  spanSec?: number;
}

/**
 * `rows` rows replicating the real ones in turn: strings (comm, paths, addresses) kept as captured,
 * times spread evenly over `spanSec` in arrival order, sizes and durations scaled by a random factor
 * (x0.25 .. x4, log-uniform), other integers (pids, ports) shifted a little per replica.
 */
export function synthesizeEventRows(real: Pick<EventTableResult, 'columns' | 'rows'>, opts: SyntheticRowsOptions = {}): Array<Record<string, EventCellValue>> {
  const n = opts.rows ?? 100_000;
  const span = opts.spanSec ?? 60;
  const rnd = prng(opts.seed ?? 1);
  if (real.rows.length === 0) return [];
  const out: Array<Record<string, EventCellValue>> = new Array(n);
  for (let i = 0; i < n; i++) {
    const src = real.rows[i % real.rows.length];
    const replica = Math.floor(i / real.rows.length);
    const row: Record<string, EventCellValue> = {};
    for (const c of real.columns) {
      const v = src[c.key];
      if (typeof v !== 'number') {
        row[c.key] = v ?? null;
        continue;
      }
      switch (c.type) {
        case 'time':
          row[c.key] = Math.round(((i + rnd()) * span * 1e6) / n) / 1e6;
          break;
        case 'bytes':
        case 'duration_ms':
        case 'float': {
          const f = 2 ** (rnd() * 4 - 2);
          row[c.key] = c.type === 'bytes' ? Math.max(0, Math.round(v * f)) : Math.round(v * f * 1000) / 1000;
          break;
        }
        case 'int':
          row[c.key] = v > 0 ? v + (replica % 400) : v;
          break;
        default:
          row[c.key] = v;
      }
    }
    out[i] = row;
  }
  return out;
}

export interface SyntheticProfileOptions {
  samples?: number;
  uniqueStacks?: number;
  seed?: number;
  /** prune as the server does before a tree reaches the browser (default true) */
  prune?: boolean;
  /** the pruning's min share (default the server's, DEFAULT_MIN_SHARE); 0 keeps the node cap only */
  minShare?: number;
}

interface FramePools {
  comms: string[];
  user: string[];
  kernel: string[];
}

function framePools(root: StackNode): FramePools {
  const comms = new Set<string>();
  const user = new Set<string>();
  const kernel = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const nd = stack.pop()!;
    if (nd.kind === 'process') comms.add(nd.name);
    else if (nd.kind === 'user') user.add(nd.name);
    else if (nd.kind === 'kernel') kernel.add(nd.name);
    for (const c of nd.children) stack.push(c);
  }
  return { comms: [...comms].sort(), user: [...user].sort(), kernel: [...kernel].sort() };
}

interface Trie {
  name: string;
  kind: StackNode['kind'];
  value: number;
  children: Map<string, Trie>;
}

function toNode(t: Trie): StackNode {
  return { name: t.name, kind: t.kind, value: t.value, children: [...t.children.values()].map(toNode) };
}

/**
 * A profile of `samples` samples over `uniqueStacks` distinct stacks, made of the real result's comms
 * and frame names. Stack popularity follows a Zipf-like law (a few hot stacks, a long tail), as in real
 * profiles; stacks share outer frames (each process has a few entry paths) so the tree is deep.
 */
export function synthesizeProfile(real: ProfileResult, opts: SyntheticProfileOptions = {}): { result: ProfileResult; uniqueStacks: number; nodes: number } {
  const samples = opts.samples ?? 100_000;
  const wanted = opts.uniqueStacks ?? 20_000;
  const rnd = prng(opts.seed ?? 7);
  const pools = framePools(real.root);
  const user = pools.user.length ? pools.user : ['[unknown]'];
  const kernel = pools.kernel;
  const comms = pools.comms.length ? pools.comms : ['[unknown]'];
  const pick = <T>(a: T[], skew = 1.6): T => a[Math.min(a.length - 1, Math.floor(a.length * rnd() ** skew))];

  // a few entry paths per process: the outer user frames stacks share
  const entries = comms.map(() => Array.from({ length: 4 }, () => Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => pick(user))));
  const seen = new Set<string>();
  const stacks: Array<{ comm: string; user: string[]; kernel: string[] }> = [];
  for (let tries = 0; stacks.length < wanted && tries < wanted * 20; tries++) {
    const ci = Math.min(comms.length - 1, Math.floor(comms.length * rnd() ** 2));
    const u = [...entries[ci][Math.floor(rnd() * 4)]];
    const extra = 1 + Math.floor(rnd() * 10);
    for (let i = 0; i < extra; i++) u.push(pick(user, 1));
    const k: string[] = [];
    if (kernel.length && rnd() < 0.6) {
      const kd = 1 + Math.floor(rnd() * 10);
      for (let i = 0; i < kd; i++) k.push(pick(kernel, 1));
    }
    const id = `${comms[ci]}|${u.join(';')}|${k.join(';')}`;
    if (seen.has(id)) continue;
    seen.add(id);
    stacks.push({ comm: comms[ci], user: u, kernel: k });
  }

  // Zipf weights, then every stack at least one sample, the rest by weight
  const weights = stacks.map((_, i) => 1 / (i + 1) ** 0.9);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const spare = Math.max(0, samples - stacks.length);
  const counts = weights.map((w) => 1 + Math.floor((spare * w) / wsum));
  let assigned = counts.reduce((a, b) => a + b, 0);
  for (let i = 0; assigned < samples; i = (i + 1) % counts.length, assigned++) counts[i]++;

  const root: Trie = { name: 'all', kind: 'root', value: 0, children: new Map() };
  const step = (parent: Trie, name: string, kind: StackNode['kind'], count: number): Trie => {
    const key = `${kind[0]}:${name}`;
    let c = parent.children.get(key);
    if (!c) {
      c = { name, kind, value: 0, children: new Map() };
      parent.children.set(key, c);
    }
    c.value += count;
    return c;
  };
  const perProcess = new Map<string, number>();
  stacks.forEach((s, i) => {
    const count = counts[i];
    root.value += count;
    let nd = step(root, s.comm, 'process', count);
    for (const f of s.user) nd = step(nd, f, 'user', count);
    for (const f of s.kernel) nd = step(nd, f, 'kernel', count);
    perProcess.set(s.comm, (perProcess.get(s.comm) ?? 0) + count);
  });

  const tree = toNode(root);
  const nodes = countNodes(tree);
  const minShare = opts.minShare ?? DEFAULT_MIN_SHARE;
  const pr = opts.prune === false ? null : pruneTree(tree, { maxNodes: DEFAULT_MAX_NODES, minShare });
  const realPid = new Map(real.processes.map((p) => [p.comm, p.pid]));
  const result: ProfileResult = {
    kind: 'profile',
    sampleHz: real.sampleHz,
    samplesCounted: root.value,
    samplesInTree: root.value,
    root: pr ? pr.root : tree,
    processes: [...perProcess.entries()].sort((a, b) => b[1] - a[1]).map(([comm, s]) => ({ pid: realPid.get(comm) ?? 0, comm, samples: s })),
    pruned: pr && pr.pruned ? { nodesBefore: pr.nodesBefore, nodesAfter: pr.nodesAfter, minShare, maxNodes: DEFAULT_MAX_NODES } : null,
    stats: { records: 0, lostEvents: 0, malformedLines: 0, helperErrors: 0 },
  };
  return { result, uniqueStacks: stacks.length, nodes };
}

export interface SyntheticGraphOptions {
  /** endpoints in the generated graph */
  endpoints?: number;
  seed?: number;
}

/**
 * A connection graph of `endpoints` endpoints grown from a real one (tcplife): the real sources keep
 * opening connections, to endpoints named like the real targets with other ports (or a "#n" suffix),
 * carrying byte counts scaled from the real edges (x0.06 .. x16, log-uniform). For checking that the
 * graph stays readable, and its cap, past 200 endpoints.
 */
export function synthesizeGraph(
  real: {
    nodes: Array<{ id: string; label: string; bytes: number }>;
    edges: Array<{ source: string; target: string; connections: number; txBytes: number; rxBytes: number }>;
  },
  opts: SyntheticGraphOptions = {},
) {
  const want = opts.endpoints ?? 260;
  const rnd = prng(opts.seed ?? 11);
  const nodes = real.nodes.map((n) => ({ ...n }));
  const edges = real.edges.map((e) => ({ ...e }));
  const sources = [...new Set(real.edges.map((e) => e.source))];
  const targets = real.edges.length ? real.edges : [];
  if (sources.length === 0 || targets.length === 0) return { nodes, edges };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let k = 0; nodes.length < want; k++) {
    const model = targets[k % targets.length];
    const t = byId.get(model.target)!;
    const port = /:(\d+)$/.exec(t.label);
    const label = port ? t.label.replace(/:\d+$/, `:${1024 + Math.floor(rnd() * 60000)}`) : `${t.label} #${k + 1}`;
    const id = `syn:${k}:${label}`;
    const f = 2 ** (rnd() * 8 - 4);
    const tx = Math.round(model.txBytes * f);
    const rx = Math.round(model.rxBytes * f);
    const src = sources[Math.floor(rnd() ** 2 * sources.length)];
    const conns = 1 + Math.floor(rnd() * 5);
    const node = { id, label, bytes: tx + rx };
    nodes.push(node);
    byId.set(id, node);
    edges.push({ source: src, target: id, connections: conns, txBytes: tx, rxBytes: rx });
    byId.get(src)!.bytes += tx + rx;
  }
  return { nodes, edges };
}
