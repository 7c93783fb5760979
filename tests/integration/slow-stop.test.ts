/**
 * A bpftrace that takes longer than BPFDECK_STOP_GRACE_SEC to stop, through the run service: the run
 * is completed with a warning, not failed, and keeps every record printed before the SIGKILL.
 *
 * ext4slower has 33 probes; bpftrace closes them one by one after SIGINT, each close waiting for a
 * kernel grace period (~2.3 s in all on an idle machine), so a 1 s grace is always exceeded.
 * (On a host the kill is a SIGHUP relayed by sudo; runs.test.ts shows it ends bpftrace itself.)
 */
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { listRemoteBpftrace } from './fleet';
import { pollUntil, registerFleetHost, useTempDataDir } from './helpers';
import type { Ext4SlowerResult } from '@/lib/tools/ext4slower/parse';

beforeAll(() => {
  useTempDataDir('slowstop');
  // read once by lib/env, lazily: set before the first lib call of this file (files run isolated)
  process.env.BPFDECK_STOP_GRACE_SEC = '1';
});

describe('a run whose bpftrace is slow to stop', () => {
  it('fleet11: completed with a warning that names the limit; what was printed while tracing is kept', async () => {
    const { startRun, waitForRun, getRunResult, getRawOutput } = await import('@/lib/runs/service');
    const { hostId, fleet } = await registerFleetHost('fleet11', { check: true });
    const run = await startRun({ hostId, toolId: 'ext4slower', durationSec: 5 }, 'it');
    const done = await waitForRun(run.id, 90_000);
    expect(done.status, done.errorMessage ?? '').toBe('completed');
    expect(done.exitCode).toBe(129); // SIGHUP, relayed by sudo
    expect(done.errorMessage).toMatch(/^warning: bpftrace had not stopped 1 s after SIGINT and was killed/);
    const raw = zlib.gunzipSync((await getRawOutput(run.id))!).toString('utf8');
    expect(raw.split('\n')[0]).toContain('"attached_probes"');
    // the script's header line, printed by BEGIN: the parser took the threshold from it
    const result = (await getRunResult(run.id)) as Ext4SlowerResult;
    expect(result).toMatchObject({ kind: 'events', variant: 'tracepoint', thresholdMs: 10 });
    const left = await pollUntil(
      () => listRemoteBpftrace(fleet, { match: /bpftrace -f json \/tmp\/bpfdeck\./ }),
      (l) => l.length === 0,
      15_000,
    );
    expect(left).toEqual([]);
  });
});
