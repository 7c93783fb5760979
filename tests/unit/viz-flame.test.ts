import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { createProfileParser, foldedStacks } from '@/lib/tools/profile/parse';
import type { StackNode } from '@/lib/tools/types';
import { exactNameRegex, topFunctions, validRegex } from '@/lib/viz/flame';
import { synthesizeProfile } from '@/lib/viz/synthetic';

function node(name: string, kind: StackNode['kind'], value: number, children: StackNode[] = []): StackNode {
  return { name, kind, value, children };
}

describe('topFunctions', () => {
  it('sums self and total per name over every stack', () => {
    // all(10) -> app(10) -> main(10) -> { work(6) -> { spin(4) }, idle(3) }   (main self 1, work self 2)
    const root = node('all', 'root', 10, [
      node('app', 'process', 10, [node('main', 'user', 10, [node('work', 'user', 6, [node('spin', 'kernel', 4)]), node('idle', 'user', 3)])]),
    ]);
    const top = topFunctions(root);
    const by = Object.fromEntries(top.rows.map((r) => [r.name, r]));
    expect(top.samples).toBe(10);
    expect(top.functions).toBe(4);
    expect(by.main).toMatchObject({ self: 1, total: 10, kind: 'user' });
    expect(by.work).toMatchObject({ self: 2, total: 6 });
    expect(by.spin).toMatchObject({ self: 4, total: 4, kind: 'kernel' });
    expect(by.idle).toMatchObject({ self: 3, total: 3 });
    expect(top.rows.map((r) => r.name)).toEqual(['spin', 'idle', 'work', 'main']);
    expect(topFunctions(root, 30, 'total').rows[0].name).toBe('main');
    // process and root levels are not functions
    expect(by.app).toBeUndefined();
    expect(by.all).toBeUndefined();
  });

  it('counts recursion once in total', () => {
    // f -> g -> f -> f(leaf): f's samples are 8, not 8 + 5 + 3
    const root = node('all', 'root', 8, [
      node('p', 'process', 8, [node('f', 'user', 8, [node('g', 'user', 5, [node('f', 'user', 5, [node('f', 'user', 3)])])])]),
    ]);
    const by = Object.fromEntries(topFunctions(root).rows.map((r) => [r.name, r]));
    expect(by.f.total).toBe(8);
    expect(by.f.self).toBe(3 + 3 + 2); // outer f: 8-5, middle f: 5-3, inner f: 3
    expect(by.g).toMatchObject({ total: 5, self: 0 });
  });

  it('adds a function on two sibling paths (no recursion) twice', () => {
    const root = node('all', 'root', 7, [node('a', 'process', 4, [node('f', 'user', 4)]), node('b', 'process', 3, [node('f', 'user', 3)])]);
    expect(topFunctions(root).rows[0]).toMatchObject({ name: 'f', total: 7, self: 7 });
  });

  it('marks a name seen as user and kernel frame as mixed, and limits rows', () => {
    const root = node('all', 'root', 3, [node('p', 'process', 3, [node('x', 'user', 3, [node('x', 'kernel', 2)])])]);
    expect(topFunctions(root).rows[0]).toMatchObject({ name: 'x', kind: 'mixed', total: 3, self: 3 });
    const wide = node('all', 'root', 50, [
      node(
        'p',
        'process',
        50,
        Array.from({ length: 50 }, (_, i) => node(`f${i}`, 'user', 1)),
      ),
    ]);
    expect(topFunctions(wide, 30).rows).toHaveLength(30);
    expect(topFunctions(wide, 30).functions).toBe(50);
  });

  it('agrees with the folded stacks of a real capture', () => {
    for (const v of ['0.17.0', '0.23.2']) {
      const raw = fs.readFileSync(path.join('tests/fixtures/profile', v, 'profile.jsonl'));
      const p = createProfileParser({ maxNodes: 1_000_000, minShare: 0 });
      for (const r of decodeAll(raw, { version: v })) p.push(r);
      const res = p.finish();
      // self per function from the folded lines (leaf = last frame), total = lines holding it anywhere
      const self = new Map<string, number>();
      const total = new Map<string, number>();
      for (const line of foldedStacks(res.root)) {
        const sp = line.lastIndexOf(' ');
        const n = Number(line.slice(sp + 1));
        const frames = line.slice(0, sp).split(';').slice(1); // drop the comm
        if (frames.length) self.set(frames[frames.length - 1], (self.get(frames[frames.length - 1]) ?? 0) + n);
        for (const f of new Set(frames)) total.set(f, (total.get(f) ?? 0) + n);
      }
      const top = topFunctions(res.root, 1_000_000);
      for (const r of top.rows) {
        expect(r.total, `${v} ${r.name}`).toBe(total.get(r.name));
        expect(r.self, `${v} ${r.name}`).toBe(self.get(r.name) ?? 0);
      }
      expect(top.rows.find((r) => r.name === 'bpfdeck_busy_loop')?.total).toBeGreaterThan(400);
    }
  });
});

describe('search helpers', () => {
  it('escapes regex characters of function names', () => {
    const name = 'std::vector<int>::operator[](unsigned long) [clone .isra.0]+*?';
    const re = new RegExp(exactNameRegex(name));
    expect(re.test(name)).toBe(true);
    expect(re.test(`x${name}`)).toBe(false);
    expect(validRegex('foo(')).toBe(false);
    expect(validRegex('foo.*')).toBe(true);
  });
});

describe('synthesizeProfile', () => {
  it('builds many unique stacks from real frames, deterministically', () => {
    const raw = fs.readFileSync('tests/fixtures/profile/0.23.2/profile.jsonl');
    const p = createProfileParser();
    for (const r of decodeAll(raw, { version: '0.23.2' })) p.push(r);
    const real = p.finish();
    const a = synthesizeProfile(real, { samples: 100_000, uniqueStacks: 20_000 });
    const b = synthesizeProfile(real, { samples: 100_000, uniqueStacks: 20_000 });
    expect(a.result.samplesInTree).toBe(100_000);
    expect(a.result.root.value).toBe(100_000);
    expect(a.uniqueStacks).toBe(20_000);
    expect(a.nodes).toBeGreaterThan(20_000);
    expect(a.result.pruned).not.toBeNull();
    expect(JSON.stringify(a.result)).toBe(JSON.stringify(b.result));
    // every frame name is a real one
    const realNames = new Set<string>();
    const walk = (n: StackNode) => {
      realNames.add(n.name);
      n.children.forEach(walk);
    };
    walk(real.root);
    const check = (n: StackNode) => {
      if (n.kind !== 'root') expect(realNames.has(n.name)).toBe(true);
      n.children.forEach(check);
    };
    check(a.result.root);
  });
});
