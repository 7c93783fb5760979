/**
 * opensnoop ground truth on the real fleet: while the tool runs (through the run service) on bpftrace
 * 0.17 (fleet11) and 0.23 (fleet21), one perl process opens oddly named files in a unique directory
 * (space, quotes, tab, newline, non-ASCII, a \xff byte, backslash, \x1f, control bytes, a 700-byte and a
 * 1500-byte path), each with openat(2), open(2) and openat2(2) and flags that tell the calls apart
 * (tests/fixtures/opensnoop/workload.ts). Checked: every one of the N opens is exactly one row with our
 * pid, the exact path (cut and marked past 1272 bytes), the right flags, fd >= 0 for files that exist and
 * errno ENOENT (fd -1) for those that do not. Rows are picked by our pid and the unique directory.
 * The other three variants (no open(2), no openat2(2), openat only) run through runBpftraceRemote on both
 * versions: they see exactly the calls they trace, and none of the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFleetHost, useTempDataDir } from './helpers';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { createOpensnoopParser, OPENSNOOP_FLAGS_RAW_KEY, type OpensnoopResult } from '@/lib/tools/opensnoop/parse';
import { expectedOpen, prepareOpenWorkload, runOpenWorkload, type OpenCall, type OpenWorkload } from '../fixtures/opensnoop/workload';

beforeAll(() => {
  useTempDataDir('tool-opensnoop');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ENOENT = 2;

function checkAgainstWorkload(result: OpensnoopResult, w: OpenWorkload, pid: number, calls: readonly OpenCall[]) {
  const mine = result.rows.filter((r) => r.pid === pid && String(r.path).startsWith(w.dir));
  const traced = w.ops.filter((op) => calls.includes(op.call));
  for (const op of traced) {
    const exp = expectedOpen(op);
    const rows = mine.filter((r) => r.path === exp.path && r[OPENSNOOP_FLAGS_RAW_KEY] === exp.flagsRaw);
    expect(rows, `${op.call} ${JSON.stringify(exp.path.slice(w.dir.length, w.dir.length + 40))}: exactly one row`).toHaveLength(1);
    expect(rows[0]).toMatchObject({ comm: 'perl', tid: pid, uid: 0, errno: exp.errno, notes: exp.notes });
    if (exp.opened) expect(rows[0].fd as number).toBeGreaterThanOrEqual(0);
    else expect(rows[0]).toMatchObject({ fd: -1, errno: ENOENT });
  }
  // and nothing else of ours: the calls a variant does not trace are not there
  expect(mine).toHaveLength(traced.length);
  expect(result.unparsedEvents).toBe(0);
  expect(result.stats.malformedLines).toBe(0);
  expect(result.rowsDropped).toBe(0);
  expect(result.opensCounted).not.toBeNull();
  return {
    ours: `${mine.length}/${traced.length}`,
    enoent: mine.filter((r) => r.errno === ENOENT).length,
    rows: result.rows.length,
    opensCounted: result.opensCounted,
    notReceived: result.notReceived,
    lostEvents: result.stats.lostEvents,
    ambiguousRows: result.ambiguousRows,
  };
}

describe('opensnoop ground truth (through the run service)', () => {
  for (const fleetName of ['fleet11', 'fleet21']) {
    it(`${fleetName}: every one of our opens of oddly named files, ENOENT for the missing ones`, async () => {
      const { startRun, waitForRun, getRunResult } = await import('@/lib/runs/service');
      const { runBus } = await import('@/lib/runs/bus');
      const { hostId } = await registerFleetHost(fleetName, { check: true });
      const w = prepareOpenWorkload();
      try {
        const run = await startRun({ hostId, toolId: 'opensnoop', durationSec: 10 }, 'it');
        const t0 = Date.now();
        while ((runBus.state(run.id)?.progress?.records ?? 0) < 1 && Date.now() - t0 < 30_000) await sleep(100);
        await sleep(1500);
        const pid = await runOpenWorkload(w);
        const done = await waitForRun(run.id, 90_000);
        expect(done.status, done.errorMessage ?? '').toBe('completed');
        expect(done.variantId).toBe('opensnoop');
        const result = (await getRunResult(run.id)) as OpensnoopResult;
        expect(result.kind).toBe('events');
        const figures = checkAgainstWorkload(result, w, pid, ['openat', 'open', 'openat2']);
        expect(figures.ours).toBe(`${w.ops.length}/${w.ops.length}`);
        console.log(`opensnoop ${fleetName}: ${JSON.stringify(figures)}`);
      } finally {
        w.cleanup();
      }
    });
  }
});

describe('the other opensnoop variants on both versions', () => {
  const VARIANTS: Array<[string, OpenCall[]]> = [
    ['opensnoop.noopen.bt', ['openat', 'openat2']],
    ['opensnoop.noopenat2.bt', ['openat', 'open']],
    ['opensnoop.openat.bt', ['openat']],
  ];
  it('each sees exactly the calls it traces (fleet11 and fleet21 at the same time)', async () => {
    const { getHostRow, withConnection } = await import('@/lib/hosts/service');
    const { runBpftraceRemote } = await import('@/lib/ssh/remote-bpftrace');
    const { loadScript, getTool } = await import('@/lib/tools/catalog');
    const tool = getTool('opensnoop')!;
    await Promise.all(
      ['fleet11', 'fleet21'].map(async (fleetName) => {
        const { hostId } = await registerFleetHost(fleetName);
        for (const [file, calls] of VARIANTS) {
          const w = prepareOpenWorkload();
          try {
            const chunks: Buffer[] = [];
            let pid: Promise<number> | null = null;
            const res = await withConnection(await getHostRow(hostId), (c) =>
              runBpftraceRemote(c, {
                script: loadScript(tool.variants.find((v) => v.file === file)!).text,
                durationSec: 4,
                env: tool.env,
                onStderr: () => {},
                onStdout: (b) => {
                  pid ??= sleep(1500).then(() => runOpenWorkload(w));
                  chunks.push(Buffer.from(b));
                },
              }),
            );
            expect(res.exitCode, `${file} on ${fleetName}`).toBe(0);
            const p = createOpensnoopParser();
            for (const r of decodeAll(Buffer.concat(chunks))) p.push(r);
            console.log(`${file} ${fleetName}: ${JSON.stringify(checkAgainstWorkload(p.finish(), w, await pid!, calls))}`);
          } finally {
            w.cleanup();
          }
        }
      }),
    );
  });
});

afterAll(async () => {
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
});
