/**
 * The flame trie a profile run builds while it streams, in flat typed arrays: a node is an index, its
 * fields live in parallel arrays, children are a linked list of siblings (indexed by a Map once a node
 * has many). Frame names are interned once per trie. About 25 bytes a node, where an object with a Map
 * of children took about 200: a busy host's 10 s profile has tens of thousands of nodes, and a fleet
 * run holds one trie per executing host (P4, tests/bench/p4-fanout.ts, measures that memory).
 * toStackNode() gives the object tree the views and pruneTree() take, children sorted by name then kind.
 */
import type { StackNode } from '@/lib/tools/types';
import { MaxHeap } from '@/lib/tools/profile/max-heap';

export type NodeKind = StackNode['kind'];
const KINDS: readonly NodeKind[] = ['root', 'process', 'user', 'kernel'];
const KIND_CODE: Record<NodeKind, number> = { root: 0, process: 1, user: 2, kernel: 3 };
/** a node with more children than this gets a Map from (name, kind) to child: no long sibling walks */
const INDEX_AFTER_CHILDREN = 8;
const NONE = -1;

export class FlatTrie {
  private nameOf: Int32Array;
  private kindOf: Uint8Array;
  private valueOf: Float64Array;
  private firstChild: Int32Array;
  private nextSibling: Int32Array;
  private childCount: Int32Array;
  private size = 0;
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** children by nameId * 4 + kind code, for nodes with many children */
  private readonly index = new Map<number, Map<number, number>>();
  /** the root, index 0 */
  readonly root = 0;

  constructor(rootName = 'all', capacity = 1024) {
    this.nameOf = new Int32Array(capacity);
    this.kindOf = new Uint8Array(capacity);
    this.valueOf = new Float64Array(capacity);
    this.firstChild = new Int32Array(capacity);
    this.nextSibling = new Int32Array(capacity);
    this.childCount = new Int32Array(capacity);
    this.newNode(this.nameId(rootName), KIND_CODE.root);
  }

  get nodeCount(): number {
    return this.size;
  }

  /**
   * The id of a frame name. The trie keeps its own flat copy: a name sliced out of a map key would
   * otherwise keep the whole key text (every frame of the stack) alive for the rest of the run.
   */
  nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      const own = flatCopy(name);
      id = this.names.length;
      this.names.push(own);
      this.nameIds.set(own, id);
    }
    return id;
  }

  name(nameId: number): string {
    return this.names[nameId];
  }

  value(node: number): number {
    return this.valueOf[node];
  }

  add(node: number, samples: number): void {
    this.valueOf[node] += samples;
  }

  /** the child of `parent` with this name and kind, made (with value 0) if it is not there */
  child(parent: number, nameId: number, kind: NodeKind): number {
    const k = KIND_CODE[kind];
    const idx = this.index.get(parent);
    if (idx) {
      const c = idx.get(nameId * 4 + k);
      if (c !== undefined) return c;
    } else {
      for (let c = this.firstChild[parent]; c !== NONE; c = this.nextSibling[c]) {
        if (this.nameOf[c] === nameId && this.kindOf[c] === k) return c;
      }
    }
    const c = this.newNode(nameId, k);
    this.nextSibling[c] = this.firstChild[parent];
    this.firstChild[parent] = c;
    const n = ++this.childCount[parent];
    if (idx) idx.set(nameId * 4 + k, c);
    else if (n > INDEX_AFTER_CHILDREN) {
      const m = new Map<number, number>();
      for (let s = this.firstChild[parent]; s !== NONE; s = this.nextSibling[s]) m.set(this.nameOf[s] * 4 + this.kindOf[s], s);
      this.index.set(parent, m);
    }
    return c;
  }

  /** The whole trie as StackNode objects, children sorted by name, then kind. */
  toStackNode(node = this.root): StackNode {
    const children: StackNode[] = [];
    for (let c = this.firstChild[node]; c !== NONE; c = this.nextSibling[c]) children.push(this.toStackNode(c));
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : 1));
    return { name: this.names[this.nameOf[node]], value: this.valueOf[node], kind: KINDS[this.kindOf[node]], children };
  }

  /** the name and kind of a node */
  frameOf(node: number): { name: string; kind: NodeKind } {
    return { name: this.names[this.nameOf[node]], kind: KINDS[this.kindOf[node]] };
  }

  /** the children of a node in toStackNode()'s order: by name, then kind */
  private sortedChildren(node: number): number[] {
    const kids: number[] = [];
    for (let c = this.firstChild[node]; c !== NONE; c = this.nextSibling[c]) kids.push(c);
    return kids.sort((a, b) => {
      const na = this.names[this.nameOf[a]];
      const nb = this.names[this.nameOf[b]];
      return na < nb ? -1 : na > nb ? 1 : KINDS[this.kindOf[a]] < KINDS[this.kindOf[b]] ? -1 : 1;
    });
  }

  /**
   * pruneTree(this.toStackNode(), opts) (lib/tools/profile/parse.ts), node for node, without making an
   * object of every node first: the widest nodes are chosen here, and only those become objects. A live
   * snapshot of a busy host every second made ~80,000 objects to keep 20,000.
   */
  pruned(opts: { maxNodes: number; minShare: number }): { root: StackNode; nodesBefore: number; nodesAfter: number; pruned: boolean } {
    const maxNodes = Math.max(1, opts.maxNodes);
    const v = this.valueOf;
    const minValue = opts.minShare * v[this.root];
    const kept = new Uint8Array(this.size);
    kept[this.root] = 1;
    let keptCount = 1;
    // pruneTree's heap, on node indices: the same order of pops, ties included
    const heap = new MaxHeap<number>((n) => v[n]);
    const offer = (n: number) => {
      for (const c of this.sortedChildren(n)) if (v[c] >= minValue && v[c] > 0) heap.push(c);
    };
    offer(this.root);
    while (heap.size > 0 && keptCount < maxNodes) {
      const n = heap.pop();
      kept[n] = 1;
      keptCount++;
      offer(n);
    }
    const copy = (n: number): StackNode => ({
      name: this.names[this.nameOf[n]],
      value: v[n],
      kind: KINDS[this.kindOf[n]],
      children: this.sortedChildren(n)
        .filter((c) => kept[c] === 1)
        .map(copy),
    });
    return { root: copy(this.root), nodesBefore: this.size, nodesAfter: keptCount, pruned: keptCount < this.size };
  }

  /**
   * Every node with samples of its own (value minus its children's), root first, children in the order
   * toStackNode() sorts them: `path` is the nodes from the root's child down to that node (the array is
   * reused: copy what you keep). These are the distinct stacks the samples came from.
   */
  forEachStack(fn: (path: readonly number[], selfSamples: number) => void): void {
    const path: number[] = [];
    const visit = (node: number) => {
      const kids = this.sortedChildren(node);
      let childSum = 0;
      for (const c of kids) childSum += this.valueOf[c];
      const self = this.valueOf[node] - childSum;
      if (node !== this.root && self > 0) fn(path, self);
      for (const c of kids) {
        path.push(c);
        visit(c);
        path.pop();
      }
    };
    visit(this.root);
  }

  private newNode(nameId: number, kindCode: number): number {
    if (this.size === this.nameOf.length) this.grow();
    const i = this.size++;
    this.nameOf[i] = nameId;
    this.kindOf[i] = kindCode;
    this.valueOf[i] = 0;
    this.firstChild[i] = NONE;
    this.nextSibling[i] = NONE;
    this.childCount[i] = 0;
    return i;
  }

  private grow(): void {
    const cap = this.nameOf.length * 2;
    const more = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.nameOf = more(this.nameOf, (n) => new Int32Array(n));
    this.kindOf = more(this.kindOf, (n) => new Uint8Array(n));
    this.valueOf = more(this.valueOf, (n) => new Float64Array(n));
    this.firstChild = more(this.firstChild, (n) => new Int32Array(n));
    this.nextSibling = more(this.nextSibling, (n) => new Int32Array(n));
    this.childCount = more(this.childCount, (n) => new Int32Array(n));
  }
}

/** A copy of `s` that shares no memory with the string it may have been sliced from. */
function flatCopy(s: string): string {
  // JSON round trip: exact for every string (lone surrogates included), and the result is a new flat string
  return JSON.parse(JSON.stringify(s)) as string;
}
