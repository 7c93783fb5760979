import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_STOP_GRACE_SEC,
  describeStop,
  EXIT_SYMBOL_RACE_WARNING,
  exitSymbolRaceWarning,
  killedEarlyMessage,
  slowStopWarning,
  stopVerdict,
} from '@/lib/bpftrace/stop';
import { loadConfig as loadEnv } from '@/lib/env';

const loadConfig = (env: Record<string, string>) => loadEnv(env as unknown as NodeJS.ProcessEnv);

describe('stopVerdict: how bpftrace ended after SIGINT', () => {
  it.each([
    // exit status as a shell reports it (remote wrapper), and as Node reports a signal (local run)
    ['exit 0', 0, null, 2.3, 'exited'],
    ['exit 1', 1, null, null, 'exited'],
    ['another signal', null, 'SIGSEGV', 1, 'exited'],
    ['137 at the limit (shell)', 137, null, 60.4, 'killed_after_grace'],
    ['SIGKILL at the limit (Node)', null, 'SIGKILL', 59.1, 'killed_after_grace'],
    ['KILL at the limit (ssh2 names signals without SIG)', null, 'KILL', 61, 'killed_after_grace'],
    ['129 at the limit: SIGHUP relayed through sudo (remote)', 129, null, 60.2, 'killed_after_grace'],
    ['HUP at the limit (ssh2)', null, 'HUP', 60.2, 'killed_after_grace'],
    ['129 long before the limit: someone else', 129, null, 3, 'killed_early'],
    ['137 long before the limit: someone else', 137, null, 12, 'killed_early'],
    ['SIGKILL while tracing', null, 'SIGKILL', null, 'killed_early'],
  ] as const)('%s', (_label, code, signal, stoppingSec, kind) => {
    expect(stopVerdict(code, signal, stoppingSec, 60).kind).toBe(kind);
  });

  it('allows 2 s of clock difference between our SIGINT estimate and the host', () => {
    expect(stopVerdict(137, null, 58.1, 60).kind).toBe('killed_after_grace');
    expect(stopVerdict(137, null, 57.9, 60).kind).toBe('killed_early');
  });

  it('messages name the limit and what is kept', () => {
    expect(slowStopWarning(60)).toMatch(/^warning: bpftrace had not stopped 60 s after SIGINT and was killed/);
    expect(slowStopWarning(60)).toMatch(/everything it printed until then is kept/);
    expect(killedEarlyMessage('SIGKILL', 12.4, 60)).toBe(
      "bpftrace was killed (SIGKILL) 12 s after SIGINT, before bpfdeck's 60 s limit, by something on the host: the kernel's OOM killer (see dmesg) or a person",
    );
    expect(killedEarlyMessage('SIGKILL', null, 60)).toMatch(/SIGKILL\) while it was tracing/);
    expect(killedEarlyMessage('SIGHUP', null, 60)).toMatch(/SIGHUP\) while it was tracing, by something on the host: a person or a process of the SSH user$/);
    expect(stopVerdict(null, 'HUP', null, 60)).toEqual({ kind: 'killed_early', signal: 'SIGHUP', stoppingSec: null });
  });

  it('describeStop: a warning only when the kill was ours and the probes had attached; a failure when it was not ours', () => {
    expect(describeStop(stopVerdict(137, null, 61, 60), true, 60)).toEqual({ warning: slowStopWarning(60) });
    expect(describeStop(stopVerdict(137, null, 61, 60), false, 60)).toBeNull(); // never attached: the exit status tells
    expect(describeStop(stopVerdict(null, 'SIGKILL', 5, 60), true, 60)).toEqual({ failure: killedEarlyMessage('SIGKILL', 5, 60) });
    expect(describeStop(stopVerdict(0, null, 2, 60), true, 60)).toBeNull();
  });

  it('the limit comes from BPFDECK_STOP_GRACE_SEC, default 60, 1 to 600', () => {
    expect(loadConfig({}).stopGraceSec).toBe(DEFAULT_STOP_GRACE_SEC);
    expect(DEFAULT_STOP_GRACE_SEC).toBe(60);
    expect(loadConfig({ BPFDECK_STOP_GRACE_SEC: '5' }).stopGraceSec).toBe(5);
    expect(() => loadConfig({ BPFDECK_STOP_GRACE_SEC: '0' })).toThrow(/BPFDECK_STOP_GRACE_SEC/);
    expect(() => loadConfig({ BPFDECK_STOP_GRACE_SEC: '601' })).toThrow(/BPFDECK_STOP_GRACE_SEC/);
  });
});

describe("exitSymbolRaceWarning: bpftrace 0.17's abort in its exit-time symbol race", () => {
  // the real text libstdc++ prints for the uncaught filesystem_error (how it was made: its README)
  const raceStderr = fs.readFileSync(path.join(process.cwd(), 'tests/fixtures/bpftrace/exit-symbol-race/stderr.txt'), 'utf8');

  it('keeps a run that printed records, then aborted in the race, with the warning', () => {
    expect(raceStderr).toMatch(/^terminate called after throwing an instance of 'std::filesystem::__cxx11::filesystem_error'\n/);
    expect(exitSymbolRaceWarning({ stderr: raceStderr, deadlineHit: false, records: 40 })).toBe(EXIT_SYMBOL_RACE_WARNING);
    // as it arrives from a host: after bpftrace's own lines on stderr
    const fromHost = `Attaching 2 probes...\n${raceStderr}`;
    expect(exitSymbolRaceWarning({ stderr: fromHost, deadlineHit: false, records: 2 })).toBe(EXIT_SYMBOL_RACE_WARNING);
    expect(EXIT_SYMBOL_RACE_WARNING).toMatch(/^warning: .*the data printed before that is complete/);
  });

  it('is not the race: no records beyond attached_probes, the deadline hit, or another read_symlink error', () => {
    expect(exitSymbolRaceWarning({ stderr: raceStderr, deadlineHit: false, records: 1 })).toBeNull();
    expect(exitSymbolRaceWarning({ stderr: raceStderr, deadlineHit: true, records: 40 })).toBeNull();
    expect(exitSymbolRaceWarning({ stderr: raceStderr.replace('No such file or directory', 'Permission denied'), deadlineHit: false, records: 40 })).toBeNull();
    expect(exitSymbolRaceWarning({ stderr: raceStderr.replace(/\/proc\/\d+\/exe/, '/usr/bin/x'), deadlineHit: false, records: 40 })).toBeNull();
    expect(exitSymbolRaceWarning({ stderr: 'ERROR: Error attaching probe: kprobe:vfs_read\n', deadlineHit: false, records: 40 })).toBeNull();
  });
});
