/**
 * The run queue's groups (a fleet run's fan-out) and the fleet status rule. The Runner is driven with
 * its executor replaced by one whose runs end when the test says so: what is tested is which runs the
 * queue lets execute, and when, which no real run would make observable at an exact moment.
 */
import { describe, expect, it } from 'vitest';
import { Runner } from '@/lib/runs/runner';
import { fleetStatus } from '@/lib/fleet/service';

function harness(maxConcurrent: number) {
  const running = new Map<string, () => void>();
  const started: string[] = [];
  const runner = new Runner(maxConcurrent, (runId: string, signal: AbortSignal) => {
    started.push(runId);
    return new Promise<void>((resolve) => {
      const end = () => {
        running.delete(runId);
        resolve();
      };
      running.set(runId, end);
      signal.addEventListener('abort', end);
    });
  });
  const finish = async (runId: string) => {
    running.get(runId)!();
    await new Promise((r) => setImmediate(r)); // let the runner's finally() pump
  };
  return { runner, running, started, finish };
}

describe('Runner groups (fleet fan-out)', () => {
  it('at most groupLimit hosts of a group execute at once; the next starts when one ends', async () => {
    const { runner, running, finish } = harness(32);
    for (let i = 0; i < 10; i++) runner.enqueue(`r${i}`, `h${i}`, 'profile', { groupId: 'g', groupLimit: 3 });
    expect([...running.keys()]).toEqual(['r0', 'r1', 'r2']);
    expect(runner.activeHostsOf('g')).toBe(3);
    await finish('r1');
    expect([...running.keys()].sort()).toEqual(['r0', 'r2', 'r3']);
    for (const id of ['r0', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']) await finish(id);
    expect([...running.keys()].sort()).toEqual(['r8', 'r9']);
  });

  it("a host's other tools join it without another slot (a dashboard's tools start together)", () => {
    const { runner, running } = harness(32);
    for (const h of ['a', 'b', 'c']) for (const t of ['profile', 'tcplife', 'execsnoop']) runner.enqueue(`${h}-${t}`, h, t, { groupId: 'g', groupLimit: 2 });
    expect([...running.keys()].sort()).toEqual(['a-execsnoop', 'a-profile', 'a-tcplife', 'b-execsnoop', 'b-profile', 'b-tcplife']);
    expect(runner.activeHostsOf('g')).toBe(2);
  });

  it('groups are independent of each other; ungrouped runs only meet the global limit', () => {
    const { runner, running } = harness(4);
    for (let i = 0; i < 4; i++) runner.enqueue(`a${i}`, `h${i}`, 'tcplife', { groupId: 'A', groupLimit: 1 });
    for (let i = 0; i < 4; i++) runner.enqueue(`b${i}`, `h${i}`, 'profile', { groupId: 'B', groupLimit: 2 });
    runner.enqueue('solo', 'h9', 'profile');
    runner.enqueue('solo2', 'h8', 'profile');
    // A: 1 host, B: 2 hosts, then ungrouped runs up to the global 4 (solo2 waits for the global limit)
    expect([...running.keys()].sort()).toEqual(['a0', 'b0', 'b1', 'solo'].sort());
    expect(running.size).toBe(4);
  });

  it('the global limit still holds over groups', () => {
    const { runner, running } = harness(2);
    for (let i = 0; i < 6; i++) runner.enqueue(`r${i}`, `h${i}`, 'profile', { groupId: 'g', groupLimit: 32 });
    expect(running.size).toBe(2);
  });

  it('one run per host+tool still holds inside a group', () => {
    const { runner, running } = harness(32);
    runner.enqueue('x1', 'h', 'profile', { groupId: 'g', groupLimit: 4 });
    runner.enqueue('x2', 'h', 'profile', { groupId: 'g2', groupLimit: 4 });
    expect([...running.keys()]).toEqual(['x1']);
  });

  it('cancel dequeues a waiting run of a group; a signalled one ends and lets the next start', async () => {
    const { runner, running } = harness(32);
    for (let i = 0; i < 4; i++) runner.enqueue(`r${i}`, `h${i}`, 'profile', { groupId: 'g', groupLimit: 2 });
    expect(runner.cancel('r3')).toBe('dequeued');
    expect(runner.cancel('r0')).toBe('signalled');
    await new Promise((r) => setImmediate(r));
    expect([...running.keys()].sort()).toEqual(['r1', 'r2']);
    expect(runner.isQueued('r3')).toBe(false);
  });
});

describe('fleet status', () => {
  it('running while any run is live; then completed, partial, failed or cancelled', () => {
    expect(fleetStatus(['completed', 'queued'], false)).toBe('running');
    expect(fleetStatus(['completed', 'connecting'], true)).toBe('running');
    expect(fleetStatus(['completed', 'completed'], false)).toBe('completed');
    expect(fleetStatus(['completed', 'failed'], false)).toBe('partial');
    expect(fleetStatus(['completed', 'cancelled'], false)).toBe('partial');
    expect(fleetStatus(['failed', 'failed'], false)).toBe('failed');
    expect(fleetStatus([], false)).toBe('failed');
    expect(fleetStatus(['cancelled', 'completed'], true)).toBe('cancelled');
  });
});
