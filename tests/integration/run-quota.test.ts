/**
 * The per-user run quota under concurrent starts, in-process against a fleet host: starts that arrive
 * together must not all pass the check before any of their runs exists (lib/auth/run-limits
 * withRunQuota). Over HTTP the requests' own work staggers them, so the race is made here directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFleetHost, useTempDataDir } from './helpers';

beforeAll(() => {
  useTempDataDir('quota');
  // read once by lib/env, lazily: set before the first lib call of this file (files run isolated)
  process.env.BPFDECK_MAX_ACTIVE_RUNS_PER_USER = '1';
});

describe('run quota', () => {
  it('5 starts of one user at the same moment: exactly one is accepted, 4 are refused with the reason', async () => {
    const { startRun, cancelRun, waitForRun } = await import('@/lib/runs/service');
    const { hostId } = await registerFleetHost('fleet11', { check: true });
    const tools = ['profile', 'runqlat', 'biolatency', 'execsnoop', 'opensnoop'];
    const settled = await Promise.allSettled(tools.map((toolId) => startRun({ hostId, toolId, durationSec: 10 }, 'burst@example.com')));
    const accepted = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    for (const a of accepted) await cancelRun(a.value.id).catch(() => {});
    for (const a of accepted) await waitForRun(a.value.id, 60_000);
    expect(accepted.length, refused.map((r) => String(r.reason)).join('\n')).toBe(1);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(String(r.reason)).toMatch(/burst@example\.com has 1 runs queued or running \(at most 1\)/);
    // another user is not held back by it
    const other = await startRun({ hostId, toolId: 'runqlat', durationSec: 10 }, 'other@example.com');
    await cancelRun(other.id).catch(() => {});
    await waitForRun(other.id, 60_000);
  });
});
