/**
 * biolatency ground truth on the real fleet: while the tool runs (through the run service) on bpftrace 0.17
 * (fleet11) and 0.23 (fleet21), dd writes N 4 KiB O_DIRECT blocks into a file under /var/tmp (root ext4).
 * biolatency is system-wide, so other engineers' I/O adds to it. Checked:
 *  - our N writes are all counted, or accounted for: count + unfinished + unmatched >= N (a request whose
 *    completion or issue program the kernel skipped is named by those counters, see biolatency.bt);
 *  - the extra I/Os are plausible: count <= the I/Os the kernel's own disk statistics (/sys/block/<dev>/stat)
 *    completed between before the run and after it;
 *  - the histograms received add up to the kernel's own count (minus what a buffer switch lost);
 *  - the second the writes ran in holds at least the part of them that was counted.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFleetHost, useTempDataDir } from './helpers';
import { requireExt4OnBlockDevice } from './host-facts';
import { totalCount } from '@/lib/tools/histogram';
import type { LatencyHeatmapResult } from '@/lib/tools/types';

const N_WRITES = 500;
const BLOCK_BYTES = 4096;

beforeAll(() => {
  useTempDataDir('tool-biolatency');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Requests completed so far on every block device (whole disks only: partitions would count twice):
 * reads, writes, discards and flushes (/sys/block/<dev>/stat fields 1, 5, 12, 16).
 */
function diskIosCompleted(): number {
  let total = 0;
  for (const dev of fs.readdirSync('/sys/block')) {
    const f = fs
      .readFileSync(path.join('/sys/block', dev, 'stat'), 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    total += (f[0] ?? 0) + (f[4] ?? 0) + (f[11] ?? 0) + (f[15] ?? 0);
  }
  return total;
}

function runDd(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('dd', ['if=/dev/zero', `of=${file}`, `bs=${BLOCK_BYTES}`, `count=${N_WRITES}`, 'oflag=direct', 'conv=notrunc'], {
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dd exited with ${code}`))));
  });
}

describe('biolatency ground truth (through the run service)', () => {
  for (const fleetName of ['fleet11', 'fleet21']) {
    it(`${fleetName}: counts our ${N_WRITES} O_DIRECT writes, and no more I/O than the disks completed`, async () => {
      const { startRun, waitForRun, getRunResult } = await import('@/lib/runs/service');
      const { runBus } = await import('@/lib/runs/bus');
      requireExt4OnBlockDevice('/var/tmp', 'biolatency ground truth (O_DIRECT writes to a disk)');
      const { hostId } = await registerFleetHost(fleetName, { check: true });
      const dir = fs.mkdtempSync('/var/tmp/bdk-biolatency-it-');
      const file = path.join(dir, 'data');
      execFileSync('fallocate', ['-l', String(N_WRITES * BLOCK_BYTES), file]);
      try {
        const iosBefore = diskIosCompleted();
        const run = await startRun({ hostId, toolId: 'biolatency', durationSec: 10 }, 'it');
        // the first tick (record 2) proves the probes attached
        const t0 = Date.now();
        while ((runBus.state(run.id)?.progress?.records ?? 0) < 2 && Date.now() - t0 < 30_000) await sleep(100);
        await sleep(300);
        const ddStart = Date.now();
        await runDd(file);
        const ddMs = Date.now() - ddStart;
        const done = await waitForRun(run.id, 90_000);
        const iosAfter = diskIosCompleted();
        expect(done.status, done.errorMessage ?? '').toBe('completed');
        const r = (await getRunResult(run.id)) as LatencyHeatmapResult;
        expect(r.kind).toBe('latency-heatmap');

        const skipped = (r.unfinished ?? 0) + (r.unmatched ?? 0);
        expect(r.unfinished).not.toBeNull(); // the END marker arrived, so the exit dump was read
        expect(r.count + skipped).toBeGreaterThanOrEqual(N_WRITES);
        // A floor on the count itself: other engineers' I/O only adds to it, and one of our writes is
        // missing only if the kernel skipped its issue or completion program (it does not nest BPF
        // programs on a CPU: another tracer's program was running there at that instant). Seen: 0-2 skipped
        // per run (unfinished/unmatched 0-2 in 6 runs, other tracers active); 2 % of our writes (10) is the bound.
        expect(r.count).toBeGreaterThanOrEqual(N_WRITES - 10);
        expect(r.count).toBeLessThanOrEqual(iosAfter - iosBefore);
        // the kernel's own count: everything received, save a buffer-switch race or a failed update
        expect(r.countedInKernel).not.toBeNull();
        expect(r.count + r.lostInSwitch!).toBe(r.countedInKernel);
        expect(r.lostInSwitch!).toBeLessThanOrEqual(Math.max(2, r.countedInKernel! * 0.01));
        expect(r.stats.lostEvents).toBe(0);
        expect(r.unparsedRecords).toBe(0);
        // one column per second of the 10 s run (+ the exit column), summing to the total
        expect(r.columns.length).toBeGreaterThanOrEqual(9);
        expect(r.columns.reduce((s, c) => s + c.count, 0)).toBe(r.count);
        expect(totalCount(r.total)).toBe(r.count);
        // dd took well under a second: at most two columns hold its writes
        const top2 = r.columns
          .map((c) => c.count)
          .sort((a, b) => b - a)
          .slice(0, 2);
        expect(top2[0] + top2[1]).toBeGreaterThanOrEqual(N_WRITES - skipped);
        // latencies of a virtio disk: microseconds to milliseconds
        expect(r.p50!).toBeGreaterThan(1);
        expect(r.p50!).toBeLessThan(100_000);
        console.log(
          `biolatency ${fleetName}: count ${r.count} (ours ${N_WRITES} in ${ddMs} ms), disks completed ${iosAfter - iosBefore}, ` +
            `kernel ${r.countedInKernel}, lostInSwitch ${r.lostInSwitch}, unfinished ${r.unfinished}, unmatched ${r.unmatched}, ` +
            `p50/p90/p99 ${[r.p50, r.p90, r.p99].map((p) => p!.toFixed(1)).join('/')} us`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

afterAll(async () => {
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
});
