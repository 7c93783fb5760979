/**
 * The pure parts of the profile, heat map and connection graph interactions, on real captures
 * (tests/fixtures/*): the sandwich view, "hide idle", the URL state of a flame graph, the heat-map
 * brush and the grouping of tcplife endpoints by command.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { getTool } from '@/lib/tools/catalog';
import { percentile, sumHistograms } from '@/lib/tools/histogram';
import type { BlockIoResult, ConnectionsResult, LatencyHeatmapResult, ProfileResult, StackNode } from '@/lib/tools/types';
import { columnRange, latencyRange, offsetRangeSeconds, rowsInTime } from '@/lib/viz/brush';
import { topFunctions } from '@/lib/viz/flame';
import { EMPTY_FLAME_STATE, decodeFlameState, encodeFlameState, followZoomPath, mergeFlameState } from '@/lib/viz/flame-url';
import { groupByCommand, processOf } from '@/lib/viz/graph-group';
import { isIdleFrame, withoutIdle } from '@/lib/viz/idle';
import { sandwich } from '@/lib/viz/sandwich';

function parse<T>(toolId: string, file: string, version: string): T {
  const raw = file.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(file)) : fs.readFileSync(file);
  const p = getTool(toolId)!.createParser();
  for (const r of decodeAll(raw, { version })) p.push(r);
  return p.finish() as T;
}

/** a 30 s profile of a mostly idle 2-CPU machine plus two burners: swapper/0 holds 709 of 5,224 samples */
const idleProfile = parse<ProfileResult>('profile', 'tests/fixtures/profile/0.23.2-30s/profile.jsonl.gz', '0.23.2');
const busyProfile = parse<ProfileResult>('profile', 'tests/fixtures/profile/0.17.0/profile.jsonl', '0.17.0');

/** every root-to-leaf path with its self samples, as "a;b;c" -> samples */
function leaves(root: StackNode): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (n: StackNode, path: string) => {
    const self = n.value - n.children.reduce((a, c) => a + c.value, 0);
    if (self > 0) out.set(path, (out.get(path) ?? 0) + self);
    for (const c of n.children) walk(c, `${path};${c.name}`);
  };
  walk(root, root.name);
  return out;
}

function checkValues(n: StackNode): void {
  // every node holds at least its children (inclusive values)
  expect(n.value).toBeGreaterThanOrEqual(n.children.reduce((a, c) => a + c.value, 0));
  n.children.forEach(checkValues);
}

describe('sandwich', () => {
  it("sums a function's callers and callees to its total in the top-functions table", () => {
    const name = 'bpfdeck_busy_loop';
    const s = sandwich(busyProfile.root, name);
    const row = topFunctions(busyProfile.root, 10_000).rows.find((r) => r.name === name)!;
    expect(s.total).toBe(row.total);
    expect(s.self).toBe(row.self);
    expect(s.callers.value).toBe(row.total);
    expect(s.callees.value).toBe(row.total);
    // it is called from main in two processes (bpfdeck_busy and the comma-named one, plus "busy")
    expect(s.callers.children.map((c) => c.name)).toEqual(['main']);
    const procs = leaves(s.callers);
    for (const p of ['bpfdeck_busy', 'bpf,deck,comma']) expect([...procs.keys()].some((k) => k.endsWith(`;${p}`))).toBe(true);
    // every caller path ends at a process, never at the root "all"
    expect([...procs.keys()].every((k) => !k.endsWith(';all'))).toBe(true);
    // callees: it calls bpfdeck_spin_step
    expect(s.callees.children[0].name).toBe('bpfdeck_spin_step');
    checkValues(s.callers);
    checkValues(s.callees);
  });

  it('counts a recursive function once', () => {
    const n = (name: string, value: number, children: StackNode[] = [], kind: StackNode['kind'] = 'user'): StackNode => ({ name, kind, value, children });
    // all -> p -> f -> g -> f -> h : f total 8, the inner f is inside the callees
    const root = n('all', 8, [n('p', 8, [n('f', 8, [n('g', 5, [n('f', 5, [n('h', 3)])])])], 'process')], 'root');
    const s = sandwich(root, 'f');
    expect(s.total).toBe(8);
    expect(s.occurrences).toBe(1);
    expect(s.self).toBe(3 + 2); // outer f: 8 - 5, inner f: 5 - 3
    expect(s.callers.children.map((c) => [c.name, c.value])).toEqual([['p', 8]]);
    expect(s.callees.children[0].name).toBe('g');
    expect(s.callees.children[0].children[0].name).toBe('f');
  });

  it('gives empty trees for a name not in the profile', () => {
    const s = sandwich(busyProfile.root, 'no_such_function');
    expect(s).toMatchObject({ total: 0, self: 0, occurrences: 0 });
    expect(s.callers.children).toEqual([]);
  });
});

describe('hide idle', () => {
  it('knows the idle frames by name, kind and offset form', () => {
    expect(isIdleFrame({ name: 'pv_native_safe_halt', kind: 'kernel' })).toBe(true);
    expect(isIdleFrame({ name: 'default_idle+20', kind: 'kernel' })).toBe(true);
    expect(isIdleFrame({ name: 'cpuidle_enter_state+0x9c', kind: 'kernel' })).toBe(true);
    expect(isIdleFrame({ name: 'swapper/1', kind: 'process' })).toBe(true);
    // a user function of that name is not the kernel's idle loop; nor is a process named like a frame
    expect(isIdleFrame({ name: 'default_idle', kind: 'user' })).toBe(false);
    expect(isIdleFrame({ name: 'swapper', kind: 'process' })).toBe(false);
    expect(isIdleFrame({ name: 'schedule', kind: 'kernel' })).toBe(false);
  });

  it('removes the idle samples of a real idle profile and nothing else', () => {
    // the CPU burner first, then the halt of the idle CPU: 707 samples
    const before = topFunctions(idleProfile.root, 5);
    expect(before.rows.map((r) => r.name).slice(0, 2)).toEqual(['bpfdeck_spin_step', 'pv_native_safe_halt']);
    const { root, idleSamples } = withoutIdle(idleProfile.root);
    const halt = before.rows[1].self;
    expect(halt).toBe(707);
    expect(idleSamples).toBe(halt); // the one idle leaf of this capture
    expect(root.value).toBe(idleProfile.root.value - halt);
    const after = topFunctions(root, 5);
    expect(after.rows.map((r) => r.name)).not.toContain('pv_native_safe_halt');
    expect(after.rows[0].name).toBe('bpfdeck_spin_step');
    // the 2 swapper/0 samples whose leaf was not idle stay
    const swapper = root.children.find((c) => c.name === 'swapper/0');
    expect(swapper?.value).toBe(idleProfile.root.children.find((c) => c.name === 'swapper/0')!.value - halt);
    checkValues(root);
    // every other stack is untouched
    const a = leaves(idleProfile.root);
    const b = leaves(root);
    for (const [k, v] of b) expect(a.get(k)).toBe(v);
    // the input is not changed
    expect(topFunctions(idleProfile.root, 2).rows[1].name).toBe('pv_native_safe_halt');
  });

  it('returns an idle-free tree as it is', () => {
    const { root, idleSamples } = withoutIdle(busyProfile.root);
    expect(idleSamples).toBe(0);
    expect(root).toBe(busyProfile.root);
  });
});

describe('flame graph URL state', () => {
  it('round-trips search, zoom, sandwich function and hide idle, hostile names included', () => {
    const state = { search: '^bpfdeck_(spin|busy)', zoom: ['bpf,deck,comma', 'main', 'std::map<a, b>::operator[]', 'x;y"\u0000'], fn: 'a&b=c', hideIdle: true };
    const params = new URLSearchParams(encodeFlameState(state, 'profile'));
    const again = decodeFlameState(new URLSearchParams(params.toString()), 'profile');
    expect(again).toEqual(state);
    // defaults leave the URL plain
    expect(encodeFlameState(EMPTY_FLAME_STATE, 'profile')).toEqual({});
  });

  it('keeps other parameters and other prefixes', () => {
    const q = mergeFlameState(new URLSearchParams('a=1&b=2&other.q=x&profile.q=old'), { ...EMPTY_FLAME_STATE, search: 'new' }, 'profile');
    const p = new URLSearchParams(q);
    expect(p.get('a')).toBe('1');
    expect(p.get('other.q')).toBe('x');
    expect(p.get('profile.q')).toBe('new');
    expect(new URLSearchParams(mergeFlameState(p, EMPTY_FLAME_STATE, 'profile')).has('profile.q')).toBe(false);
  });

  it('drops wrong types and oversize values instead of throwing', () => {
    for (const zoom of ['not json', '{"a":1}', '[1,2]', '[""]', JSON.stringify(Array(500).fill('f')), `["${'x'.repeat(600)}"]`]) {
      expect(decodeFlameState(new URLSearchParams({ 'profile.zoom': zoom }), 'profile').zoom).toEqual([]);
    }
    expect(decodeFlameState(new URLSearchParams({ 'profile.q': 'x'.repeat(501), 'profile.idle': 'yes' }), 'profile')).toEqual(EMPTY_FLAME_STATE);
  });

  it('follows a zoom path as far as the frames exist', () => {
    const path = followZoomPath(busyProfile.root, ['bpfdeck_busy', '__libc_start_call_main', 'main', 'gone', 'bpfdeck_busy_loop']);
    expect(path.map((n) => n.name)).toEqual(['bpfdeck_busy', '__libc_start_call_main', 'main']);
    expect(followZoomPath(busyProfile.root, ['nothing'])).toEqual([]);
  });
});

describe('heat map brush', () => {
  const bio = parse<LatencyHeatmapResult>('biolatency', 'tests/fixtures/biolatency/0.23.2/biolatency.jsonl', '0.23.2');

  it('orders and clamps a brushed range', () => {
    expect(columnRange(5, 2, 10)).toEqual({ from: 2, to: 5 });
    expect(columnRange(-3, 40, 10)).toEqual({ from: 0, to: 9 });
    expect(columnRange(0, 0, 0)).toBeNull();
  });

  it('sums the brushed seconds of a latency heat map; all of them give the whole histogram', () => {
    const n = bio.columns.length;
    expect(n).toBeGreaterThan(2);
    const all = latencyRange(bio, { from: 0, to: n - 1 });
    expect(all.count).toBe(bio.count);
    expect(all.total).toEqual(bio.total);
    expect(all.p50).toBe(bio.p50);
    expect(all.p99).toBe(bio.p99);
    const mid = latencyRange(bio, { from: 1, to: 1 });
    expect(mid.count).toBe(bio.columns[1].count);
    expect(mid.total).toEqual(sumHistograms([bio.columns[1].buckets]));
    expect(mid.p90).toBe(percentile(bio.columns[1].buckets, 90));
    expect(mid.fromSec).toBeCloseTo(bio.columns[1].tSec - 1);
    expect(mid.toSec).toBe(bio.columns[1].tSec);
  });

  it('keeps the biosnoop rows of the brushed offset-heat-map columns, by the rule the heat map bins them with', () => {
    const bs = parse<BlockIoResult>('biosnoop', 'tests/fixtures/biosnoop/0.23.2/biosnoop.jsonl', '0.23.2');
    const hm = bs.offsetHeatmap;
    const busiest = hm.cells.map((col, i) => ({ i, n: col.reduce((a, c) => a + c, 0) })).sort((a, b) => b.n - a.n)[0];
    const { fromSec, toSec } = offsetRangeSeconds({ from: busiest.i, to: busiest.i }, hm.binSec);
    const rows = rowsInTime(bs.rows, 'time', fromSec, toSec);
    const onShownDisk = rows.filter((r) => hm.device === null || r.disk === hm.device);
    // the column's count is the I/Os of the shown disk in that time
    expect(onShownDisk.length).toBe(busiest.n);
    expect(rows.every((r) => Math.floor((r.time as number) / hm.binSec) === busiest.i)).toBe(true);
    // all columns: every row
    expect(rowsInTime(bs.rows, 'time', 0, hm.cells.length * hm.binSec).length).toBe(bs.rows.length);
  });
});

describe('tcplife graph grouping by command', () => {
  const t = parse<ConnectionsResult>('tcplife', 'tests/fixtures/tcplife/0.23.2-forks/tcplife.jsonl', '0.23.2');
  const workload = JSON.parse(fs.readFileSync('tests/fixtures/tcplife/0.23.2-forks/workload.json', 'utf8')) as {
    serverPid: number;
    clients: Array<{ pid: number; comm: string }>;
  };
  const forkPids = workload.clients.filter((c) => c.comm === 'tl-fork').map((c) => c.pid);

  it('reads the process of a node from its id and label, and refuses other shapes', () => {
    expect(processOf({ id: 'p:12:curl', label: 'curl [12]' })).toEqual({ comm: 'curl', pid: 12, local: null });
    expect(processOf({ id: 'p:7:srv:80', label: 'srv [7] 10.0.0.1:80' })).toEqual({ comm: 'srv', pid: 7, local: '10.0.0.1:80' });
    expect(processOf({ id: 'p:1:a [2]', label: 'a [2] [1]' })).toEqual({ comm: 'a [2]', pid: 1, local: null });
    expect(processOf({ id: 'e:1.2.3.4:80', label: '1.2.3.4:80' })).toBeNull();
    expect(processOf({ id: 'p:12:curl', label: 'wget [12]' })).toBeNull();
  });

  it('draws the ten tl-fork PIDs as one node, and one per PID once expanded', () => {
    const perPid = t.graph.nodes.filter((n) => processOf(n)?.comm === 'tl-fork');
    expect(perPid.map((n) => processOf(n)!.pid).sort()).toEqual([...forkPids].sort());
    const g = groupByCommand(t.graph);
    const forks = g.nodes.filter((n) => n.comm === 'tl-fork');
    expect(forks).toHaveLength(1);
    expect(forks[0].label).toBe('tl-fork · 10 PIDs');
    expect(forks[0].group!.pids).toEqual([...forkPids].sort((a, b) => a - b));
    expect(forks[0].bytes).toBe(perPid.reduce((a, n) => a + n.bytes, 0));
    // its edges merged into one, with every connection and byte
    const out = g.edges.filter((e) => e.source === forks[0].id);
    const before = t.graph.edges.filter((e) => perPid.some((n) => n.id === e.source));
    expect(out).toHaveLength(1);
    expect(out[0].connections).toBe(10);
    expect(out[0].txBytes).toBe(before.reduce((a, e) => a + e.txBytes, 0));
    // a command with one PID stays as it was
    expect(g.nodes.find((n) => n.comm === 'tl-single')!.label).toMatch(/^tl-single \[\d+\]$/);
    expect(g.commands).toEqual([{ comm: 'tl-fork', pids: 10 }]);
    // the totals of the graph do not change
    const sum = (es: ConnectionsResult['graph']['edges']) => es.reduce((a, e) => a + e.connections, 0);
    expect(sum(g.edges)).toBe(sum(t.graph.edges));
    const open = groupByCommand(t.graph, new Set(['tl-fork']));
    expect(open.nodes.filter((n) => n.comm === 'tl-fork')).toHaveLength(10);
    expect(open.edges).toHaveLength(t.graph.edges.length);
  });
});
