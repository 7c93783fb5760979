import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import type { ProfileResult, StackNode } from '@/lib/tools/types';
import {
  countNodes,
  createProfileParser,
  foldedStacks,
  pruneTree,
  splitProfileKey,
  UNPARSED_KEY_COMM,
  type ProfileParserOptions,
} from '@/lib/tools/profile/parse';

const FIXTURES = path.resolve(__dirname, '../fixtures/profile');
const VERSIONS = ['0.17.0', '0.23.2'] as const;
const records = (v: string) => decodeAll(readFileSync(path.join(FIXTURES, v, 'profile.jsonl')));

function run(recs: BtRecord[], opts?: ProfileParserOptions): ProfileResult {
  const p = createProfileParser(opts);
  for (const r of recs) p.push(r);
  return p.finish();
}

const stacksMap = (entries: Array<[string, number]>): BtRecord => ({ type: 'map', name: '@stacks', keyed: true, entries });

function child(node: StackNode, name: string): StackNode {
  const c = node.children.find((x) => x.name === name);
  if (!c) throw new Error(`no child ${name} under ${node.name}: ${node.children.map((x) => x.name).join(', ')}`);
  return c;
}

function findAll(node: StackNode, pred: (n: StackNode) => boolean, out: StackNode[] = []): StackNode[] {
  if (pred(node)) out.push(node);
  for (const c of node.children) findAll(c, pred, out);
  return out;
}

function selfOf(n: StackNode): number {
  return n.value - n.children.reduce((s, c) => s + c.value, 0);
}

/** every node: value >= sum of children, self >= 0; returns the sum of self values */
function checkInclusive(n: StackNode): number {
  const self = selfOf(n);
  expect(self, n.name).toBeGreaterThanOrEqual(0);
  return self + n.children.reduce((s, c) => s + checkInclusive(c), 0);
}

describe('splitProfileKey', () => {
  it('0.17 keys: empty stacks are ""', () => {
    expect(splitProfileKey('12446,,\n    bpfdeck_spin_step+31\n    main+105\n,bpfdeck_busy')).toEqual({
      pid: 12446,
      kstack: '',
      ustack: '\n    bpfdeck_spin_step+31\n    main+105\n',
      comm: 'bpfdeck_busy',
    });
    expect(splitProfileKey('77,\n    kthread+248\n    ret_from_fork+337\n,,kdamond.0')).toEqual({
      pid: 77,
      kstack: '\n    kthread+248\n    ret_from_fork+337\n',
      ustack: '',
      comm: 'kdamond.0',
    });
  });

  it('0.23 keys: empty stacks are "\\n"', () => {
    expect(splitProfileKey('12577,\n,\n        bpfdeck_spin_step+38\n,bpfdeck_busy')).toEqual({
      pid: 12577,
      kstack: '\n',
      ustack: '\n        bpfdeck_spin_step+38\n',
      comm: 'bpfdeck_busy',
    });
    expect(splitProfileKey('5,\n,\n,x')).toEqual({ pid: 5, kstack: '\n', ustack: '\n', comm: 'x' });
  });

  it('a comm with commas (and one that looks like a stack separator) is the rest of the key', () => {
    expect(splitProfileKey('123,\n    k1+1\n,\n    u1+2\n,a,b,,c')).toMatchObject({ pid: 123, comm: 'a,b,,c' });
    expect(splitProfileKey('123,,,,')).toEqual({ pid: 123, kstack: '', ustack: '', comm: ',' });
    expect(splitProfileKey('123,,,')).toEqual({ pid: 123, kstack: '', ustack: '', comm: '' });
  });

  it('keys that do not fit give null', () => {
    expect(splitProfileKey('')).toBeNull();
    expect(splitProfileKey('bash,1')).toBeNull();
    expect(splitProfileKey('12,xyz,abc')).toBeNull();
    expect(splitProfileKey('12,\n    unterminated')).toBeNull();
  });
});

describe('profile parser on real captures', () => {
  for (const v of VERSIONS) {
    describe(v, () => {
      const recs = records(v);
      const res = run(recs);

      it('the busy loop holds > 90 % of its process, under the process node, user frames outermost first', () => {
        const proc = child(res.root, 'bpfdeck_busy');
        expect(proc.kind).toBe('process');
        const loops = findAll(proc, (n) => n.name === 'bpfdeck_busy_loop');
        expect(loops.length).toBeGreaterThan(0);
        for (const n of loops) expect(n.kind).toBe('user');
        const inLoop = loops.reduce((s, n) => s + n.value, 0);
        expect(inLoop / proc.value).toBeGreaterThan(0.9);
        // main -> bpfdeck_busy_loop -> bpfdeck_spin_step (leaf last)
        const main = findAll(proc, (n) => n.name === 'main')[0];
        expect(child(child(main, 'bpfdeck_busy_loop'), 'bpfdeck_spin_step').value).toBeGreaterThan(0.9 * proc.value);
      });

      it('kernel frames come after user frames, leaf last', () => {
        // a timer interrupt taken inside the busy loop: ... bpfdeck_spin_step -> asm_sysvec_apic_timer_interrupt -> ...
        const kernelUnderUser = findAll(res.root, (n) => n.kind === 'user' && n.children.some((c) => c.kind === 'kernel'));
        expect(kernelUnderUser.length).toBeGreaterThan(0);
        for (const n of findAll(res.root, (x) => x.kind === 'kernel')) {
          for (const c of n.children) expect(c.kind).toBe('kernel');
        }
        // kernel threads: process -> kernel frames directly, outermost first
        const kthreads = findAll(res.root, (n) => n.kind === 'process' && n.children.some((c) => c.name === 'ret_from_fork_asm'));
        expect(kthreads.length).toBeGreaterThan(0);
      });

      it('the comm with commas from the capture is one process', () => {
        const proc = child(res.root, 'bpf,deck,comma');
        expect(proc.value).toBe(v === '0.17.0' ? 47 : 79);
        expect(res.processes.filter((p) => p.comm === 'bpf,deck,comma')).toHaveLength(1);
      });

      it('totals: root = sum of @stacks values = samples in tree = sum of self counts = sum of processes', () => {
        let sum = 0;
        for (const r of recs) if (r.type === 'map' && r.name.startsWith('@stacks_') && r.keyed) for (const [, n] of r.entries) sum += Number(n);
        expect(res.root.name).toBe('all');
        expect(res.root.kind).toBe('root');
        expect(res.root.value).toBe(sum);
        expect(res.samplesInTree).toBe(sum);
        expect(checkInclusive(res.root)).toBe(sum);
        expect(res.root.children.reduce((s, c) => s + c.value, 0)).toBe(sum);
        expect(res.processes.reduce((s, p) => s + p.samples, 0)).toBe(sum);
        // double buffering: no sample lost between print() and clear()
        expect(res.samplesCounted).toBe(sum);
      });

      it('per-pid counts, result fields and stats', () => {
        // (another CPU burner, comm "busy", ran on the machine too: see CAPTURE.md)
        const busy = res.processes.filter((p) => p.comm === 'bpfdeck_busy');
        expect(busy).toHaveLength(1);
        expect(busy[0].samples).toBe(child(res.root, 'bpfdeck_busy').value);
        expect(res.processes.slice(0, 2).map((p) => p.comm)).toContain('bpfdeck_busy');
        for (let i = 1; i < res.processes.length; i++) expect(res.processes[i - 1].samples).toBeGreaterThanOrEqual(res.processes[i].samples);
        expect(res.kind).toBe('profile');
        expect(res.sampleHz).toBe(99);
        expect(res.pruned).toBeNull();
        expect(res.stats).toEqual({ records: recs.length, lostEvents: 0, malformedLines: 0, helperErrors: 0 });
      });
    });
  }

  it('exact numbers of the captures (see tests/fixtures/profile/CAPTURE.md)', () => {
    const r17 = run(records('0.17.0'));
    expect([r17.samplesCounted, r17.samplesInTree, child(r17.root, 'bpfdeck_busy').value]).toEqual([1076, 1076, 498]);
    const r23 = run(records('0.23.2'));
    expect([r23.samplesCounted, r23.samplesInTree, child(r23.root, 'bpfdeck_busy').value]).toEqual([922, 922, 488]);
  });

  it('snapshots grow with each delta (@stacks_a, @stacks_b, then the live map at exit)', () => {
    const p = createProfileParser();
    const names: string[] = [];
    const totals: number[] = [];
    for (const r of records('0.17.0')) {
      p.push(r);
      if (r.type === 'map' && r.name.startsWith('@stacks')) {
        names.push(r.name);
        totals.push(p.snapshot().samplesInTree);
      }
    }
    expect(names).toEqual(['@stacks_a', '@stacks_b', '@stacks_a']);
    expect(totals[0]).toBeLessThan(totals[1]);
    expect(totals[1]).toBeLessThan(totals[2]);
    expect(p.snapshot().samplesCounted).toBe(1076);
  });

  it('the single-map protocol (@stacks) is summed the same way', () => {
    const renamed = records('0.23.2').map((r) => (r.type === 'map' && r.name.startsWith('@stacks_') ? { ...r, name: '@stacks' } : r));
    expect(run(renamed)).toEqual(run(records('0.23.2')));
  });
});

describe('profile parser on synthetic records', () => {
  it('sums deltas, merges pids of one comm, keeps per-pid counts', () => {
    const res = run([
      stacksMap([['1,,\n    f+1\n    main+2\n,my,comm,x', 2]]),
      stacksMap([
        ['1,,\n    f+5\n    main+2\n,my,comm,x', 3],
        ['2,,\n    g+1\n    main+2\n,my,comm,x', 4],
      ]),
      { type: 'map', name: '@samples', keyed: false, value: 10 },
    ]);
    const proc = child(res.root, 'my,comm,x');
    expect(proc.value).toBe(9);
    expect(child(child(proc, 'main'), 'f').value).toBe(5);
    expect(child(child(proc, 'main'), 'g').value).toBe(4);
    expect(res.processes).toEqual([
      { pid: 1, comm: 'my,comm,x', samples: 5 },
      { pid: 2, comm: 'my,comm,x', samples: 4 },
    ]);
    expect(res.samplesCounted).toBe(10);
  });

  it('a sample with both stacks empty counts as the process itself', () => {
    const res = run([stacksMap([['7,\n,\n,idle', 3]])]);
    expect(res.root).toEqual({ name: 'all', value: 3, kind: 'root', children: [{ name: 'idle', value: 3, kind: 'process', children: [] }] });
  });

  it('user and kernel frames of the same name stay apart', () => {
    const res = run([stacksMap([['1,\n    same+1\n,\n    same+2\n,p', 1]])]);
    const u = child(child(res.root, 'p'), 'same');
    expect(u.kind).toBe('user');
    expect(u.children).toEqual([{ name: 'same', value: 1, kind: 'kernel', children: [] }]);
  });

  it('counts lost events, malformed lines, helper errors; unsplittable keys stay visible', () => {
    const res = run([
      { type: 'lost_events', events: 5 },
      { type: 'lost_events', events: 7 },
      { type: 'malformed', line: 'x', reason: 'invalid JSON' },
      { type: 'helper_error', helper: 'map_update_elem', retcode: -17 },
      stacksMap([['garbage key', 2]]),
    ]);
    expect(res.stats).toEqual({ records: 5, lostEvents: 12, malformedLines: 1, helperErrors: 1 });
    expect(child(res.root, UNPARSED_KEY_COMM).value).toBe(2);
  });

  it('sampleHz option', () => {
    expect(run([], { sampleHz: 49 }).sampleHz).toBe(49);
    expect(run([]).root).toEqual({ name: 'all', value: 0, kind: 'root', children: [] });
  });
});

/** A wide synthetic tree: root -> 50 processes -> 20 frames each -> 5 leaves, values skewed. */
function bigTree(): StackNode {
  const leaf = (name: string, value: number): StackNode => ({ name, value, kind: 'kernel', children: [] });
  const procs: StackNode[] = [];
  for (let p = 0; p < 50; p++) {
    const frames: StackNode[] = [];
    for (let f = 0; f < 20; f++) {
      const leaves = Array.from({ length: 5 }, (_, l) => leaf(`k${l}`, (p + 1) * (f + 1) * (l + 1)));
      const sum = leaves.reduce((s, x) => s + x.value, 0);
      frames.push({ name: `f${f}`, value: sum + f, kind: 'user', children: leaves });
    }
    procs.push({ name: `p${p}`, value: frames.reduce((s, x) => s + x.value, 0) + 3, kind: 'process', children: frames });
  }
  return { name: 'all', value: procs.reduce((s, x) => s + x.value, 0), kind: 'root', children: procs };
}

describe('pruneTree', () => {
  it('respects the node cap, keeps the widest nodes, keeps totals and inclusive values', () => {
    const tree = bigTree();
    const before = countNodes(tree);
    expect(before).toBe(1 + 50 + 50 * 20 + 50 * 20 * 5);
    const res = pruneTree(tree, { maxNodes: 100, minShare: 0 });
    expect(res.nodesBefore).toBe(before);
    expect(res.nodesAfter).toBe(100);
    expect(countNodes(res.root)).toBe(100);
    expect(res.pruned).toBe(true);
    expect(res.root.value).toBe(tree.value);
    checkInclusive(res.root);
    // values unchanged, widest process kept
    expect(child(res.root, 'p49').value).toBe(child(tree, 'p49').value);
    // every kept node is at least as wide as every dropped one (best-first)
    const keptMin = Math.min(...findAll(res.root, () => true).map((n) => n.value));
    const allValues = findAll(tree, () => true)
      .map((n) => n.value)
      .sort((a, b) => b - a);
    expect(keptMin).toBeGreaterThanOrEqual(allValues[100]);
    // input untouched
    expect(countNodes(tree)).toBe(before);
  });

  it('drops nodes narrower than minShare; their samples stay in the parent', () => {
    const tree = bigTree();
    const res = pruneTree(tree, { maxNodes: 1_000_000, minShare: 0.01 });
    const min = 0.01 * tree.value;
    for (const n of findAll(res.root, (x) => x !== res.root)) expect(n.value).toBeGreaterThanOrEqual(min);
    expect(res.root.value).toBe(tree.value);
    expect(checkInclusive(res.root)).toBe(tree.value);
    expect(res.pruned).toBe(true);
  });

  it('leaves a small tree alone', () => {
    const tree: StackNode = { name: 'all', value: 2, kind: 'root', children: [{ name: 'a', value: 2, kind: 'process', children: [] }] };
    expect(pruneTree(tree)).toEqual({ root: tree, nodesBefore: 2, nodesAfter: 2, pruned: false });
  });

  it('the parser prunes its results when asked (real capture)', () => {
    const res = run(records('0.17.0'), { maxNodes: 20 });
    expect(res.pruned).toMatchObject({ nodesAfter: 20, maxNodes: 20, minShare: 0.0005 });
    expect(res.pruned!.nodesBefore).toBeGreaterThan(20);
    expect(countNodes(res.root)).toBe(20);
    expect(res.root.value).toBe(1076);
    expect(res.samplesInTree).toBe(1076);
    const main = findAll(child(res.root, 'bpfdeck_busy'), (n) => n.name === 'main')[0];
    expect(child(main, 'bpfdeck_busy_loop').value).toBeGreaterThan(0.9 * child(res.root, 'bpfdeck_busy').value);
  });
});

describe('foldedStacks', () => {
  it('one line per node with self samples: comm;outer;...;leaf count', () => {
    const res = run(records('0.17.0'));
    const lines = foldedStacks(res.root);
    for (const l of lines) expect(l).toMatch(/^[^;\n]+(;[^;\n]+)* \d+$/);
    expect(lines.reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(res.root.value);
    expect(lines).toContain('bpfdeck_busy;__libc_start_call_main;main;bpfdeck_busy_loop;bpfdeck_spin_step 498');
    expect(lines).toContain('bpf,deck,comma;__libc_start_call_main;main;bpfdeck_busy_loop;bpfdeck_spin_step 47');
  });

  it('process self counts, kernel suffix, separators in names', () => {
    const res = run([
      stacksMap([
        ['1,\n,\n,idle', 3],
        ['2,\n    kf+1\n,\n    a;b+1\n,p q', 2],
      ]),
    ]);
    expect(foldedStacks(res.root, { kernelSuffix: '_[k]' }).sort()).toEqual(['idle 3', 'p q;a:b;kf_[k] 2']);
  });
});
