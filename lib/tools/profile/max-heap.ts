/**
 * Max-heap by a numeric value, for best-first selection of flame graph nodes (pruneTree, and
 * FlatTrie.pruned, which must pop in exactly the same order: ties included, so both share this).
 */
export class MaxHeap<T> {
  private items: T[] = [];
  constructor(private readonly valueOf: (item: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(n: T): void {
    const a = this.items;
    const v = this.valueOf;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (v(a[p]) >= v(a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): T {
    const a = this.items;
    const v = this.valueOf;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && v(a[l]) > v(a[m])) m = l;
        if (r < a.length && v(a[r]) > v(a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
