/**
 * FlatTrie (lib/tools/profile/flat-trie.ts), the profile parser's compact trie, against a plain
 * reference written here (objects with a Map of children, what the parser used before): the same
 * random stacks go into both, and the trees, the node counts and the distinct stacks must agree.
 */
import { describe, expect, it } from 'vitest';
import { FlatTrie, type NodeKind } from '@/lib/tools/profile/flat-trie';
import type { StackNode } from '@/lib/tools/types';

interface RefNode {
  name: string;
  kind: NodeKind;
  value: number;
  children: Map<string, RefNode>;
}
const refNode = (name: string, kind: NodeKind): RefNode => ({ name, kind, value: 0, children: new Map() });
function refTree(n: RefNode): StackNode {
  const children = [...n.children.values()].map(refTree);
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : 1));
  return { name: n.name, value: n.value, kind: n.kind, children };
}

/** a small deterministic PRNG (mulberry32): the same stacks on every run */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Frame = [string, NodeKind];

function randomStacks(n: number, seed: number): Array<{ frames: Frame[]; samples: number }> {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const comms = ['node', 'bpftrace', 'sshd', 'kworker/0:1', 'busy'];
  // few names, so that siblings collide and some nodes get far more than 8 children (the index)
  const names = Array.from({ length: 40 }, (_, i) => `fn_${i}`);
  return Array.from({ length: n }, () => {
    const frames: Frame[] = [[pick(comms), 'process']];
    const user = Math.floor(r() * 6);
    const kernel = Math.floor(r() * 8);
    for (let i = 0; i < user; i++) frames.push([pick(names), 'user']);
    // the same name as a user frame and as a kernel frame must stay two nodes
    for (let i = 0; i < kernel; i++) frames.push([pick(names), 'kernel']);
    return { frames, samples: 1 + Math.floor(r() * 5) };
  });
}

describe('FlatTrie', () => {
  it('builds the same tree as a trie of objects and Maps, children sorted by name then kind', () => {
    const stacks = randomStacks(3000, 7);
    const flat = new FlatTrie('all', 4); // a tiny first capacity: growing is exercised too
    const ref = refNode('all', 'root');
    for (const { frames, samples } of stacks) {
      flat.add(flat.root, samples);
      ref.value += samples;
      let f = flat.root;
      let o = ref;
      for (const [name, kind] of frames) {
        f = flat.child(f, flat.nameId(name), kind);
        flat.add(f, samples);
        const key = `${kind}:${name}`;
        let c = o.children.get(key);
        if (!c) o.children.set(key, (c = refNode(name, kind)));
        c.value += samples;
        o = c;
      }
    }
    const want = refTree(ref);
    expect(flat.toStackNode()).toEqual(want);
    let nodes = 0;
    const count = (n: StackNode) => {
      nodes++;
      n.children.forEach(count);
    };
    count(want);
    expect(flat.nodeCount).toBe(nodes);
    // some node really had more than 8 children (the Map index was used)
    const maxChildren = (n: StackNode): number => Math.max(n.children.length, ...n.children.map(maxChildren));
    expect(maxChildren(want)).toBeGreaterThan(8);
  });

  it('forEachStack gives each distinct stack once, with all its samples', () => {
    const stacks = randomStacks(2000, 11);
    const flat = new FlatTrie();
    const want = new Map<string, number>();
    for (const { frames, samples } of stacks) {
      flat.add(flat.root, samples);
      let f = flat.root;
      for (const [name, kind] of frames) {
        f = flat.child(f, flat.nameId(name), kind);
        flat.add(f, samples);
      }
      const key = frames.map(([n, k]) => `${k}:${n}`).join(';');
      want.set(key, (want.get(key) ?? 0) + samples);
    }
    const got = new Map<string, number>();
    flat.forEachStack((path, self) => {
      const key = path
        .map((node) => flat.frameOf(node))
        .map((x) => `${x.kind}:${x.name}`)
        .join(';');
      expect(got.has(key), key).toBe(false);
      got.set(key, self);
    });
    expect(got).toEqual(want);
  });

  it('keeps a name it was given once, equal to it, under one id', () => {
    const flat = new FlatTrie();
    const text = `\n${'    x'.repeat(1000)}\n    do_syscall_64+89\n`;
    const sliced = text.slice(text.indexOf('do_'), text.indexOf('+89'));
    const id = flat.nameId(sliced);
    expect(flat.name(id)).toBe('do_syscall_64');
    expect(flat.nameId('do_syscall_64')).toBe(id);
    expect(flat.nameId('other')).not.toBe(id);
  });
});

describe('FlatTrie.pruned', () => {
  it('is pruneTree of toStackNode, node for node, for several limits', async () => {
    const { pruneTree } = await import('@/lib/tools/profile/parse');
    const flat = new FlatTrie();
    for (const { frames, samples } of randomStacks(4000, 23)) {
      flat.add(flat.root, samples);
      let f = flat.root;
      for (const [name, kind] of frames) {
        f = flat.child(f, flat.nameId(name), kind);
        flat.add(f, samples);
      }
    }
    const tree = flat.toStackNode();
    for (const opts of [
      { maxNodes: 1, minShare: 0 },
      { maxNodes: 50, minShare: 0 },
      { maxNodes: 1000, minShare: 0.0005 },
      { maxNodes: 100_000, minShare: 0.01 },
      { maxNodes: 100_000, minShare: 0 },
    ]) {
      expect(flat.pruned(opts), JSON.stringify(opts)).toEqual(pruneTree(tree, opts));
    }
  });
});
