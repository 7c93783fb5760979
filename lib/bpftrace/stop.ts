/**
 * How bpftrace is stopped, and how to tell "it was too slow to stop" from other deaths.
 *
 * bpfdeck stops bpftrace with SIGINT (it then prints its maps) and kills it only if it has not exited
 * graceSec later: SIGHUP relayed through sudo on a host (lib/ssh/remote-bpftrace.ts says why not
 * SIGKILL), SIGKILL from `timeout -k` for `bpfdeck run --local`.
 *
 * Stopping is not instant: bpftrace closes its probes one at a time and each close waits for a kernel
 * RCU grace period (measured on the test kernel: ~70 ms per tracepoint, 2.3 s for ext4slower's 33
 * probes on an idle machine; one CI run on a busy machine took more than 30 s), and profile then
 * resolves user symbols (up to ~20 s on 0.17).
 */

/** seconds bpftrace may take after SIGINT before it is killed (BPFDECK_STOP_GRACE_SEC) */
export const DEFAULT_STOP_GRACE_SEC = 60;

export type StopVerdict =
  /** bpftrace exited on its own (whatever its status) */
  | { kind: 'exited' }
  /** killed by our own limit: it was still stopping graceSec after SIGINT */
  | { kind: 'killed_after_grace'; stoppingSec: number }
  /** killed before our limit: something else on the host did it (the OOM killer, an admin) */
  | { kind: 'killed_early'; signal: 'SIGKILL' | 'SIGHUP'; stoppingSec: number | null };

/**
 * exitCode/exitSignal: as seen by whoever waited for `timeout` (a shell reports 128 + the signal:
 * 137 SIGKILL, 129 SIGHUP; Node and ssh2 report the signal's name, ssh2 without "SIG").
 * stoppingSec: seconds from the SIGINT to the exit, or null when no SIGINT had been sent yet.
 */
export function stopVerdict(exitCode: number | null, exitSignal: string | null, stoppingSec: number | null, graceSec: number): StopVerdict {
  const sig = exitCode === 137 ? 'SIGKILL' : exitCode === 129 ? 'SIGHUP' : exitCode === null && exitSignal ? `SIG${exitSignal.replace(/^SIG/, '')}` : null;
  if (sig !== 'SIGKILL' && sig !== 'SIGHUP') return { kind: 'exited' };
  // The kill comes graceSec after the SIGINT by the host's clock; ours starts a little earlier or
  // later (network, process start), so allow 2 s.
  if (stoppingSec !== null && stoppingSec >= graceSec - 2) return { kind: 'killed_after_grace', stoppingSec };
  return { kind: 'killed_early', signal: sig, stoppingSec };
}

/** the warning a run keeps when bpftrace was killed for being slow to stop (its records are intact) */
export function slowStopWarning(graceSec: number): string {
  return (
    `warning: bpftrace had not stopped ${graceSec} s after SIGINT and was killed (it detaches its probes one by one, ` +
    'which is slow on a busy machine): everything it printed until then is kept; the maps it prints at exit may be missing'
  );
}

/** the failure message when something other than bpfdeck killed bpftrace */
export function killedEarlyMessage(signal: string, stoppingSec: number | null, graceSec: number): string {
  const when = stoppingSec === null ? 'while it was tracing' : `${Math.round(stoppingSec)} s after SIGINT, before bpfdeck's ${graceSec} s limit`;
  const who = signal === 'SIGKILL' ? "the kernel's OOM killer (see dmesg) or a person" : 'a person or a process of the SSH user';
  return `bpftrace was killed (${signal}) ${when}, by something on the host: ${who}`;
}

/**
 * What a run says about the way bpftrace ended, beyond its exit status: a warning (killed by our limit
 * after its probes attached: the records are whole), a failure (killed by something else), or null
 * (nothing to add: the caller explains the exit status).
 */
export function describeStop(v: StopVerdict, sawAttached: boolean, graceSec: number): { warning: string } | { failure: string } | null {
  if (v.kind === 'killed_after_grace' && sawAttached) return { warning: slowStopWarning(graceSec) };
  if (v.kind === 'killed_early') return { failure: killedEarlyMessage(v.signal, v.stoppingSec, graceSec) };
  return null;
}

/**
 * bpftrace 0.17 can abort while printing its exit-time maps when a process it sampled exits at that
 * moment: it checks that /proc/<pid>/exe exists, then reads the link without handling an error, and
 * libstdc++'s uncaught filesystem_error ends it (tests/fixtures/bpftrace/exit-symbol-race/ shows the
 * text). Everything printed before is intact.
 */
const EXIT_SYMBOL_RACE = /read_symlink: No such file or directory \[\/proc\/\d+\/exe\]/;

export const EXIT_SYMBOL_RACE_WARNING =
  'warning: bpftrace aborted while printing its final maps (a bpftrace 0.17 bug when a sampled process exits at that moment); ' +
  'the data printed before that is complete, the last interval may be missing';

/**
 * The warning for a run that ended in that race, or null. Only when bpftrace ended on its own after
 * the deadline was not hit and it had printed records (more than attached_probes): a race at start-up
 * or a run we killed is not this.
 */
export function exitSymbolRaceWarning(o: { stderr: string; deadlineHit: boolean; records: number }): string | null {
  return !o.deadlineHit && o.records > 1 && EXIT_SYMBOL_RACE.test(o.stderr) ? EXIT_SYMBOL_RACE_WARNING : null;
}
