/**
 * Runs end to end on the real test fleet: profile.bt pushed over SSH, run by the real bpftrace 0.17 and
 * 0.23, parsed into a flame graph tree; failures, cancel, and nothing left running on the host after
 * cancel, a dead SSH client, or a killed bpfdeck server.
 */
import { spawn } from 'node:child_process';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRemoteBpftrace } from './fleet';
import { pollUntil, registerFleetHost, samplesInFrame, startBusyLoop, useTempDataDir } from './helpers';
import type { ProfileResult } from '@/lib/tools/types';

let dataDir = '';
beforeAll(() => {
  dataDir = useTempDataDir('runs');
});

/** Within this bound, every bpftrace started for a host must be gone (SIGINT + 0.17's drain). */
const NOTHING_LEFT_WITHIN_MS = 15_000;

async function profileOnce(fleetName: string) {
  const { startRun, waitForRun, getRunResult, getRawOutput } = await import('@/lib/runs/service');
  const { hostId, fleet } = await registerFleetHost(fleetName, { check: true });
  const busy = startBusyLoop(20);
  try {
    const run = await startRun({ hostId, toolId: 'profile', durationSec: 10 }, 'it');
    const done = await waitForRun(run.id, 90_000);
    const result = (await getRunResult(run.id)) as ProfileResult;
    const raw = zlib.gunzipSync((await getRawOutput(run.id))!).toString('utf8');
    return { done, result, raw, busyPid: busy.pid!, fleet };
  } finally {
    busy.kill('SIGKILL');
  }
}

function expectBusyLoopFound(result: ProfileResult, busyPid: number) {
  const proc = result.processes.find((p) => p.pid === busyPid);
  expect(proc, `busy loop pid ${busyPid} among ${JSON.stringify(result.processes.slice(0, 8))}`).toBeDefined();
  // 10 s at 99 Hz on one CPU: ~990 samples if it had a CPU to itself; other work on this 2-core
  // machine takes its share, so ask only for enough samples to make the 90% check meaningful.
  expect(proc!.samples).toBeGreaterThan(100);
  const inLoop = samplesInFrame(result.root, 'bpfdeck_busy_loop');
  // > 90% of that process's samples are inside its loop function
  expect(inLoop / proc!.samples).toBeGreaterThan(0.9);
}

describe('profile on real hosts', () => {
  it('runs on bpftrace 0.17 (fleet11) and finds the busy loop', async () => {
    const { done, result, raw, busyPid } = await profileOnce('fleet11');
    expect(done.status, done.errorMessage ?? '').toBe('completed');
    expect(done.exitCode).toBe(0);
    expect(done.scriptSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(raw.split('\n')[0]).toContain('"attached_probes"');
    expectBusyLoopFound(result, busyPid);
    // The kernel's own count and the received stacks agree within the double-buffer switch losses.
    expect(result.samplesCounted).not.toBeNull();
    expect(result.samplesInTree).toBeGreaterThan(0.97 * result.samplesCounted!);
    expect(result.samplesInTree).toBeLessThanOrEqual(result.samplesCounted!);
  });

  it('runs on bpftrace 0.23 (fleet21, Debian 13 chroot) and finds the busy loop', async () => {
    const { done, result, busyPid } = await profileOnce('fleet21');
    expect(done.status, done.errorMessage ?? '').toBe('completed');
    expectBusyLoopFound(result, busyPid);
  });

  it('pushes by SFTP, and falls back to a fixed cat where the host has no SFTP subsystem (fleet13)', async () => {
    const { getHostRow, withConnection } = await import('@/lib/hosts/service');
    const { runBpftraceRemote } = await import('@/lib/ssh/remote-bpftrace');
    const script = 'BEGIN { printf("pushed\\n"); exit(); }\n';
    for (const [name, how] of [
      ['fleet11', 'sftp'],
      ['fleet13', 'exec'],
    ] as const) {
      const { hostId } = await registerFleetHost(name);
      let out = '';
      const res = await withConnection(await getHostRow(hostId), (c) =>
        runBpftraceRemote(c, { script, durationSec: 5, onStdout: (b) => (out += b), onStderr: () => {} }),
      );
      expect(res.pushedBy).toBe(how);
      expect(res.exitCode).toBe(0);
      expect(out).toContain('"data": "pushed\\n"');
    }
    const { done, result } = await profileOnce('fleet13');
    expect(done.status, done.errorMessage ?? '').toBe('completed');
    expect(result.samplesInTree).toBeGreaterThan(0);
  });
});

describe('failures', () => {
  it("shows bpftrace's own message for a script that does not compile", async () => {
    const { getHostRow, withConnection } = await import('@/lib/hosts/service');
    const { runBpftraceRemote } = await import('@/lib/ssh/remote-bpftrace');
    const { explainFailure } = await import('@/lib/runs/execute');
    const { hostId } = await registerFleetHost('fleet11');
    let stderr = '';
    let stdout = '';
    const res = await withConnection(await getHostRow(hostId), (c) =>
      runBpftraceRemote(c, {
        script: 'tracepoint:nonexistent:nope { printf("x\\n"); }\n',
        durationSec: 5,
        onStdout: (b) => (stdout += b.toString()),
        onStderr: (b) => (stderr += b.toString()),
      }),
    );
    expect(res.exitCode).toBe(1);
    expect(stdout).toBe('');
    const msg = explainFailure(res.exitCode, res.exitSignal, stderr, false, false);
    expect(msg).toMatch(/^bpftrace rejected the script:/);
    expect(msg).toMatch(/tracepoint not found: nonexistent:nope/);
    expect(msg).not.toMatch(/RLIMIT_MEMLOCK/);
  });
});

describe('cancel and cleanup', () => {
  // bpftrace closes its probes one by one after SIGINT, each close waiting for a kernel grace period
  // (~70 ms per tracepoint here): 40 tracepoints take ~3 s to stop, longer than a 1 s grace. No other
  // run is going on meanwhile (test files and tests run one at a time), so any bpftrace of a bpfdeck
  // run left on the shared kernel afterwards is this one: a killed sudo loses its link to the host.
  // With Debian's `Defaults use_pty` sudo runs bpftrace in a session of its own, out of reach of a
  // SIGKILL to timeout's process group; the wrapper's SIGHUP is relayed by sudo and ends it.
  it.each(['fleet11', 'fleet21'])(
    '%s: a bpftrace slow to stop is killed through sudo after the grace; what it printed is kept, nothing is left',
    async (name) => {
      const { getHostRow, withConnection } = await import('@/lib/hosts/service');
      const { runBpftraceRemote } = await import('@/lib/ssh/remote-bpftrace');
      const { stopVerdict } = await import('@/lib/bpftrace/stop');
      const { hostId, fleet } = await registerFleetHost(name);
      const syscalls = ['read', 'write', 'openat', 'close', 'newfstat', 'lseek', 'mmap', 'munmap', 'brk', 'ioctl'];
      syscalls.push('pread64', 'pwrite64', 'readv', 'writev', 'access', 'pipe', 'select', 'sched_yield', 'mremap', 'msync');
      const probes = syscalls.flatMap((n) => [`tracepoint:syscalls:sys_enter_${n}`, `tracepoint:syscalls:sys_exit_${n}`]);
      const script = [`${probes.join(',\n')} { @calls = count(); }`, 'interval:s:1 { printf("tick %d\\n", elapsed / 1000000000); }', ''].join('\n');
      let stdout = '';
      const res = await withConnection(await getHostRow(hostId), (c) =>
        runBpftraceRemote(c, { script, durationSec: 3, graceSec: 1, onStdout: (b) => (stdout += b.toString()), onStderr: () => {} }),
      );
      expect(res.exitCode, stdout.slice(-500)).toBe(129); // SIGHUP
      expect(res.stoppingSec).toBeGreaterThanOrEqual(1);
      expect(stopVerdict(res.exitCode, res.exitSignal, res.stoppingSec, 1)).toMatchObject({ kind: 'killed_after_grace' });
      expect(stdout).toContain('"attached_probes"');
      expect(stdout).toMatch(/"data": "tick 2\\n"/);
      // @calls is printed only by the exit-time dump: it never came, so bpftrace itself was killed
      // (a SIGKILL that ended only sudo would have let it finish and print it)
      expect(stdout).not.toContain('"@calls"');
      const left = await pollUntil(
        () => listRemoteBpftrace(fleet, { match: /bpftrace -f json \/tmp\/bpfdeck\./ }),
        (l) => l.length === 0,
        NOTHING_LEFT_WITHIN_MS,
      );
      expect(left).toEqual([]);
    },
  );

  it('cancel mid-run keeps the maps bpftrace prints at exit, and leaves nothing running', async () => {
    const { startRun, cancelRun, waitForRun, getRun, getRunResult, getRawOutput } = await import('@/lib/runs/service');
    const { hostId, fleet } = await registerFleetHost('fleet12', { check: true });
    const run = await startRun({ hostId, toolId: 'profile', durationSec: 60 }, 'it');
    await pollUntil(
      () => getRun(run.id),
      (r) => r.status === 'running',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    await cancelRun(run.id);
    const done = await waitForRun(run.id, 60_000);
    expect(done.status).toBe('cancelled');
    const raw = zlib.gunzipSync((await getRawOutput(run.id))!).toString('utf8');
    // @samples is printed only by bpftrace's exit-time dump: its presence proves SIGINT, not a kill.
    expect(raw).toMatch(/"@samples": \d+/);
    const result = (await getRunResult(run.id)) as ProfileResult;
    expect(result.samplesCounted).toBeGreaterThan(0);
    expect(result.samplesInTree).toBeGreaterThan(0);
    const left = await pollUntil(
      () => listRemoteBpftrace(fleet, { onlyThisHost: true }),
      (l) => l.length === 0,
      NOTHING_LEFT_WITHIN_MS,
    );
    expect(left).toEqual([]);
  });

  it('leaves nothing running when the SSH client dies mid-run', async () => {
    const { getHostRow, withConnection } = await import('@/lib/hosts/service');
    const { runBpftraceRemote } = await import('@/lib/ssh/remote-bpftrace');
    const { loadScript, getTool } = await import('@/lib/tools/catalog');
    const { hostId, fleet } = await registerFleetHost('fleet12');
    const script = loadScript(getTool('profile')!.variants[0]).text;
    let sawOutput = false;
    await withConnection(await getHostRow(hostId), async (c) => {
      const running = runBpftraceRemote(c, { script, durationSec: 60, onStdout: () => (sawOutput = true), onStderr: () => {} });
      const started = await pollUntil(
        async () => (await listRemoteBpftrace(fleet, { onlyThisHost: true })).length,
        (n) => n > 0,
        15_000,
      );
      expect(started).toBeGreaterThan(0);
      // Kill the TCP connection under the SSH session, as a crashed client would.
      (c as unknown as { _sock: { destroy(): void } })._sock.destroy();
      await running.catch(() => {});
    });
    expect(sawOutput).toBe(true);
    const left = await pollUntil(
      () => listRemoteBpftrace(fleet, { onlyThisHost: true }),
      (l) => l.length === 0,
      NOTHING_LEFT_WITHIN_MS,
    );
    expect(left).toEqual([]);
  });

  it('leaves nothing running when the bpfdeck server process is killed, and marks the run failed on restart', async () => {
    const { getRun, markInterruptedRuns, runner } = await import('@/lib/runs/service');
    const { hostId, fleet } = await registerFleetHost('fleet12', { check: true });
    const child = spawn('npx', ['tsx', '--conditions=react-server', 'tests/integration/child-run.ts', hostId, '60'], {
      env: { ...process.env, BPFDECK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const runId = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b) => {
        out += b.toString();
        const m = /RUNNING (\S+)/.exec(out);
        if (m) resolve(m[1]);
        if (/ENDED/.test(out)) reject(new Error(out));
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)));
    });
    expect((await listRemoteBpftrace(fleet, { onlyThisHost: true })).length).toBeGreaterThan(0);
    process.kill(-child.pid!, 'SIGKILL'); // the whole process group: npx, tsx, node
    const left = await pollUntil(
      () => listRemoteBpftrace(fleet, { onlyThisHost: true }),
      (l) => l.length === 0,
      NOTHING_LEFT_WITHIN_MS,
    );
    expect(left).toEqual([]);
    expect((await getRun(runId)).status).toBe('running'); // what the dead process left behind
    expect(runner().activeCount()).toBe(0);
    expect(await markInterruptedRuns()).toBeGreaterThanOrEqual(1);
    const after = await getRun(runId);
    expect(after.status).toBe('failed');
    expect(after.errorMessage).toBe('server restarted');
  });
});

afterAll(async () => {
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
});
