/** The pure verdict on a finished bpftrace (lib/runs/outcome.ts), shared by the run service and the CLI. */
import { describe, expect, it } from 'vitest';
import { classifyOutcome, type RunEnding } from '@/lib/runs/outcome';
import { slowStopWarning } from '@/lib/bpftrace/stop';

const base: RunEnding = {
  exitCode: 0,
  exitSignal: null,
  deadlineHit: false,
  stoppingSec: null,
  graceSec: 10,
  sawAttached: true,
  records: 50,
  stderr: '',
  userStopped: false,
};

describe('classifyOutcome', () => {
  it('exit 0 is completed without a message; a deadline bpfdeck had to enforce is not', () => {
    expect(classifyOutcome(base)).toEqual({ status: 'completed', warning: null });
    expect(classifyOutcome({ ...base, deadlineHit: true })).toEqual({ status: 'failed', failure: expect.stringMatching(/did not stop after its time limit/) });
  });

  it('exit 130 is a normal end only when the person stopped it after the probes attached', () => {
    expect(classifyOutcome({ ...base, exitCode: 130, userStopped: true })).toEqual({ status: 'completed', warning: null });
    expect(classifyOutcome({ ...base, exitCode: 130 }).status).toBe('failed');
    expect(classifyOutcome({ ...base, exitCode: 130, userStopped: true, sawAttached: false }).status).toBe('failed');
  });

  it('killed by our limit after the grace: completed with the slow-stop warning; killed early: failed, naming the signal', () => {
    expect(classifyOutcome({ ...base, exitCode: 129, stoppingSec: 10.2 })).toEqual({ status: 'completed', warning: slowStopWarning(10) });
    const early = classifyOutcome({ ...base, exitCode: 137, stoppingSec: null });
    expect(early).toEqual({ status: 'failed', failure: expect.stringMatching(/killed \(SIGKILL\) while it was tracing/) });
  });

  it("keeps a run that hit bpftrace 0.17's exit-time symbol race, but not one that printed nothing", () => {
    const stderr = 'ERROR: read_symlink: No such file or directory [/proc/4242/exe]\n';
    expect(classifyOutcome({ ...base, exitCode: 1, stderr })).toEqual({
      status: 'completed',
      warning: expect.stringMatching(/^warning: bpftrace aborted while printing its final maps/),
    });
    expect(classifyOutcome({ ...base, exitCode: 1, stderr, records: 1 }).status).toBe('failed');
  });

  it('explains sudo refusals and rejected scripts in plain words', () => {
    expect(classifyOutcome({ ...base, exitCode: 1, sawAttached: false, stderr: 'sudo: a password is required\n' })).toEqual({
      status: 'failed',
      failure: 'this SSH user may not run bpftrace through sudo without a password:\nsudo: a password is required',
    });
    expect(classifyOutcome({ ...base, exitCode: 1, sawAttached: false, stderr: 'stdin:1:1-4: ERROR: syntax error\n' })).toEqual({
      status: 'failed',
      failure: 'bpftrace rejected the script:\nstdin:1:1-4: ERROR: syntax error',
    });
  });
});
