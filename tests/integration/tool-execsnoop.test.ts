/**
 * execsnoop ground truth on the real fleet: while the tool runs (through the run service) on bpftrace
 * 0.17 (fleet11) and 0.23 (fleet21), this test execs N processes with odd argv (spaces, quotes, tabs,
 * newlines, non-ASCII, invalid UTF-8, empty arguments, \x1f, arguments across chunk boundaries, one
 * past the 1272-byte limit, 24 arguments, one exec that fails) through a uniquely named link to
 * /bin/true (tests/fixtures/execsnoop/workload.ts). Checked: every one of the N is exactly one row with
 * its pid, our pid as parent, uid 0, the right comm and return value, and argv byte-exact (or cut and
 * marked exactly where the documented limits say). Other engineers' processes are ignored: rows are
 * picked by pid and by the link's unique path.
 * The no-BTF variant (parent pid from sched_process_fork) runs the same check through runBpftraceRemote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFleetHost, useTempDataDir } from './helpers';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { createExecsnoopParser, EXECSNOOP_ARGV_KEY, formatArgv, type ExecsnoopResult } from '@/lib/tools/execsnoop/parse';
import { expectedExec, prepareExecWorkload, runExecWorkload, type ExecRun, type ExecWorkload } from '../fixtures/execsnoop/workload';

const ROUNDS = 2;

beforeAll(() => {
  useTempDataDir('tool-execsnoop');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function checkAgainstWorkload(result: ExecsnoopResult, w: ExecWorkload, runs: ExecRun[]) {
  expect(runs).toHaveLength(w.cases.length * ROUNDS);
  for (const run of runs) {
    const exp = expectedExec(w, run.case);
    expect(run.exitCode, run.case.name).toBe(run.case.missing ? 127 : 0);
    const rows = result.rows.filter((r) => r.pid === run.pid && r.path === exp.path);
    expect(rows, `${run.case.name} (pid ${run.pid}): exactly one row`).toHaveLength(1);
    const row = rows[0];
    expect(JSON.parse(String(row[EXECSNOOP_ARGV_KEY])), run.case.name).toEqual(exp.argv);
    expect(row.args).toBe(formatArgv(exp.argv));
    expect(row, run.case.name).toMatchObject({ comm: exp.comm, ret: exp.ret, uid: 0, ppid: process.pid, notes: exp.notes });
  }
  // nothing of ours is anywhere else (e.g. a second, partial row)
  const ours = result.rows.filter((r) => r.path === w.link || r.path === w.missingPath);
  expect(ours).toHaveLength(runs.length);
  expect(result.unparsedEvents).toBe(0);
  expect(result.stats.malformedLines).toBe(0);
  expect(result.rowsDropped).toBe(0);
  expect(result.execsCounted).not.toBeNull();
  return {
    ours: `${ours.length}/${runs.length}`,
    rows: result.rows.length,
    execsCounted: result.execsCounted,
    notReceived: result.notReceived,
    lostEvents: result.stats.lostEvents,
    incompleteRows: result.incompleteRows,
  };
}

describe('execsnoop ground truth (through the run service)', () => {
  for (const fleetName of ['fleet11', 'fleet21']) {
    it(`${fleetName}: every one of our ${ROUNDS} x 12 odd-argv processes, argv exact`, async () => {
      const { startRun, waitForRun, getRunResult } = await import('@/lib/runs/service');
      const { runBus } = await import('@/lib/runs/bus');
      const { hostId } = await registerFleetHost(fleetName, { check: true });
      const w = prepareExecWorkload();
      try {
        const run = await startRun({ hostId, toolId: 'execsnoop', durationSec: 10 }, 'it');
        // attached_probes is printed just before the probes attach: give them a moment after it
        const t0 = Date.now();
        while ((runBus.state(run.id)?.progress?.records ?? 0) < 1 && Date.now() - t0 < 30_000) await sleep(100);
        await sleep(1500);
        const runs = await runExecWorkload(w, ROUNDS);
        const done = await waitForRun(run.id, 90_000);
        expect(done.status, done.errorMessage ?? '').toBe('completed');
        expect(done.variantId).toBe('execsnoop');
        const result = (await getRunResult(run.id)) as ExecsnoopResult;
        expect(result.kind).toBe('events');
        console.log(`execsnoop ${fleetName}: ${JSON.stringify(checkAgainstWorkload(result, w, runs))}`);
      } finally {
        w.cleanup();
      }
    });
  }
});

describe('execsnoop.nobtf.bt (parent pid without BTF) on both versions', () => {
  it('fleet11 and fleet21: the same ground truth, parent pid from sched_process_fork', async () => {
    const { getHostRow, withConnection } = await import('@/lib/hosts/service');
    const { runBpftraceRemote } = await import('@/lib/ssh/remote-bpftrace');
    const { loadScript, getTool } = await import('@/lib/tools/catalog');
    const tool = getTool('execsnoop')!;
    const variant = tool.variants.find((v) => v.file === 'execsnoop.nobtf.bt')!;
    // both hosts at once: one workload each, told apart by their links and pids
    await Promise.all(
      ['fleet11', 'fleet21'].map(async (fleetName) => {
        const { hostId } = await registerFleetHost(fleetName);
        const w = prepareExecWorkload();
        try {
          const chunks: Buffer[] = [];
          let runs: Promise<ExecRun[]> | null = null;
          const res = await withConnection(await getHostRow(hostId), (c) =>
            runBpftraceRemote(c, {
              script: loadScript(variant).text,
              durationSec: 6,
              env: tool.env,
              onStderr: () => {},
              onStdout: (b) => {
                runs ??= sleep(1500).then(() => runExecWorkload(w, ROUNDS));
                chunks.push(Buffer.from(b));
              },
            }),
          );
          expect(res.exitCode).toBe(0);
          const p = createExecsnoopParser();
          for (const r of decodeAll(Buffer.concat(chunks))) p.push(r);
          const figures = checkAgainstWorkload(p.finish(), w, await runs!);
          console.log(`execsnoop.nobtf ${fleetName}: ${JSON.stringify(figures)}`);
        } finally {
          w.cleanup();
        }
      }),
    );
  });
});

afterAll(async () => {
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
});
