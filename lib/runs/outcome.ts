/**
 * How a finished bpftrace run is judged, from what came back: exit status, signal, whether its probes
 * attached, how long it took to stop, what it printed on stderr. Pure: the run service
 * (lib/runs/execute.ts, over SSH) and the local CLI (lib/cli/run-local.ts) both use it, so the same
 * ending gets the same verdict and the same message everywhere.
 */
import { describeStop, exitSymbolRaceWarning, stopVerdict } from '@/lib/bpftrace/stop';

export interface RunEnding {
  exitCode: number | null;
  exitSignal: string | null;
  /** bpfdeck's own hard deadline passed and it closed the connection */
  deadlineHit: boolean;
  /** seconds from SIGINT (duration end) to exit, null when it ended before */
  stoppingSec: number | null;
  graceSec: number;
  /** bpftrace said its probes attached */
  sawAttached: boolean;
  /** JSON records received */
  records: number;
  stderr: string;
  /** the person running it stopped it early (Ctrl-C in the CLI): exit 130 after attaching is a normal end */
  userStopped: boolean;
}

export type RunVerdict = { status: 'completed'; warning: string | null } | { status: 'failed'; failure: string };

export function classifyOutcome(e: RunEnding): RunVerdict {
  if (e.exitCode === 0 && !e.deadlineHit) return { status: 'completed', warning: null };
  if (e.userStopped && e.sawAttached && e.exitCode === 130) return { status: 'completed', warning: null };
  // bpftrace 0.17's exit-time symbol race (lib/bpftrace/stop.ts): everything printed before the abort is
  // intact, so keep the run and say what is missing.
  const race = exitSymbolRaceWarning({ stderr: e.stderr, deadlineHit: e.deadlineHit, records: e.records });
  if (race) return { status: 'completed', warning: race };
  const stop = e.deadlineHit ? null : describeStop(stopVerdict(e.exitCode, e.exitSignal, e.stoppingSec, e.graceSec), e.sawAttached, e.graceSec);
  // Slow to stop is not broken: every record it printed while tracing arrived intact.
  if (stop && 'warning' in stop) return { status: 'completed', warning: stop.warning };
  if (stop) return { status: 'failed', failure: stop.failure };
  return { status: 'failed', failure: explainFailure(e.exitCode, e.exitSignal, e.stderr, e.sawAttached, e.deadlineHit) };
}

/** Lines of bpftrace's stderr worth showing: not the harmless RLIMIT_MEMLOCK notice every run prints. */
export function meaningfulStderr(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l && !/couldn't set RLIMIT_MEMLOCK/.test(l));
}

export function explainFailure(code: number | null, sig: string | null, stderr: string, sawAttached: boolean, deadlineHit: boolean): string {
  const lines = meaningfulStderr(stderr);
  const text = lines.slice(0, 12).join('\n');
  if (deadlineHit) return 'bpftrace did not stop after its time limit and SIGINT; bpfdeck closed the connection';
  if (/^sudo:/m.test(text)) {
    if (/password is required|not allowed|may not run/i.test(text)) {
      return `this SSH user may not run bpftrace through sudo without a password:\n${text}`;
    }
    if (/command not found/i.test(text)) return `bpftrace is not installed on this host:\n${text}`;
    return `sudo refused to run bpftrace:\n${text}`;
  }
  if (code === 1 && !sawAttached) return `bpftrace rejected the script:\n${text || '(no message)'}`;
  if (code === 255 && sawAttached) return `bpftrace could not attach its probes on this host:\n${text || '(no message)'}`;
  if (code === 134) return `bpftrace aborted (SIGABRT); this bpftrace version may not know a probe type the script uses:\n${text}`;
  if (code === null) return `the remote command ended without an exit status${sig ? ` (signal ${sig})` : ''}${text ? `:\n${text}` : ''}`;
  return `bpftrace exited with status ${code}${text ? `:\n${text}` : ''}`;
}
