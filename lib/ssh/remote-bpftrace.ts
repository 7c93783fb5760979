/**
 * Run one bpftrace script on a host, for a fixed time, with nothing left behind.
 *
 *  1. `mktemp -d` makes a private (0700) directory; its path is checked against a strict pattern before
 *     it is used in any later command.
 *  2. The script is written there over SFTP (or, where the host disables SFTP, through the stdin of a
 *     fixed `cat` command). Script text never passes through a shell.
 *  3. A fixed POSIX sh wrapper runs `timeout -s INT <durationSec + attach allowance> sudo -n bpftrace -f json <dir>/tool.bt`:
 *     - the duration counts from the moment the probes are attached (bpftrace's first record,
 *       `attached_probes`), not from the start: loading BTF and attaching can take longer than a whole
 *       10 s run when many bpftraces start at once on a busy machine (seen with 32 at a time on 2 CPUs:
 *       SIGINT came before the probes were attached and bpftrace died with 130, having traced nothing).
 *       bpfdeck sends the SIGINT itself (EOF on the watchdog's stdin, below) durationSec after that
 *       record; the host's own `timeout` at duration + ATTACH_ALLOWANCE_SEC is the backstop, so the run
 *       still ends if bpfdeck stops reading, and the watchdog ends it if bpfdeck dies;
 *     - SIGINT (not KILL) so bpftrace prints its maps on the way out, and sudo relays it to bpftrace;
 *     - a watchdog reads the channel's stdin: EOF (cancel, a dead client, a dead bpfdeck server: sshd
 *       closes the pipe when the TCP connection goes) sends SIGINT at once. Without it, sshd does not
 *       signal a command that has no pty, and a quiet bpftrace would run on until its timeout;
 *     - a bpftrace that has not exited graceSec after its SIGINT is killed, in two steps
 *       (lib/bpftrace/stop explains why stopping can be slow). SIGKILL cannot do it: where sudoers says
 *       `use_pty` (Debian's default) sudo runs bpftrace in a session of its own, and a SIGKILL ends only
 *       sudo while bpftrace lives on (seen on the fleet). So first SIGHUP, which timeout forwards to
 *       sudo, sudo relays to bpftrace, and bpftrace does not handle: it dies without printing its maps
 *       (exit 129; checked on 0.17 and 0.23). SIGKILL to timeout's process group 10 s later is the last
 *       resort. A watcher polls once a second and ends with bpftrace, so nothing is left behind;
 *     - the directory is removed when bpftrace ends, whatever happened.
 *
 * stdout (bpftrace's JSON records) and stderr (its diagnostics) arrive on separate streams.
 */
import 'server-only';
import type { Client } from 'ssh2';
import { AppError } from '@/lib/errors';
import { execCollect, openExec, sftpWriteFile } from '@/lib/ssh/exec';
import { DEFAULT_STOP_GRACE_SEC } from '@/lib/bpftrace/stop';

const TMPDIR_PATTERN = /^\/tmp\/bpfdeck\.[A-Za-z0-9]{10}$/;
/** seconds the host's own timeout allows on top of the duration for bpftrace to load and attach */
export const ATTACH_ALLOWANCE_SEC = 60;
const SCRIPT_NAME = 'tool.bt';
/** stderr marker of the wrapper's CPU accounting lines (see parseHostTimes) */
export const TIMES_MARKER = '@@bpfdeck-times';
/** extra env for bpftrace: names and values from our own constants only (sudoers must env_keep BPFTRACE_*) */
export type BpftraceEnv = Partial<
  Record<'BPFTRACE_STRLEN' | 'BPFTRACE_MAX_STRLEN' | 'BPFTRACE_MAP_KEYS_MAX' | 'BPFTRACE_PERF_RB_PAGES' | 'BPFTRACE_CACHE_USER_SYMBOLS', number>
>;

export interface RemoteRunOptions {
  script: string;
  durationSec: number;
  /** seconds allowed after SIGINT before SIGKILL (default DEFAULT_STOP_GRACE_SEC) */
  graceSec?: number;
  env?: BpftraceEnv;
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
  /** abort = cancel: bpftrace gets SIGINT, prints its maps and exits; output keeps flowing until then */
  signal?: AbortSignal;
  /** called once the remote bpftrace process has been started */
  onStarted?: () => void;
}

export interface RemoteRunResult {
  exitCode: number | null;
  exitSignal: string | null;
  cancelled: boolean;
  /** the client-side deadline (duration + grace + margin) passed and we closed the channel ourselves */
  deadlineHit: boolean;
  /** how the script reached the host */
  pushedBy: 'sftp' | 'exec';
  /** seconds from the SIGINT (end of the duration, or the cancel) to the end; null if it ended before */
  stoppingSec: number | null;
}

/** sh: wait up to waitSec for bpftrace ($p) to end, then SIGHUP; SIGKILL to its process group 10 s later */
function escalation(waitSec: number): string {
  return (
    `i=0; while [ $i -lt ${waitSec} ] && kill -0 $p 2>/dev/null; do sleep 1; i=$((i+1)); done;` +
    ' kill -0 $p 2>/dev/null || exit 0; kill -HUP $p;' +
    ' i=0; while [ $i -lt 10 ] && kill -0 $p 2>/dev/null; do sleep 1; i=$((i+1)); done;' +
    ' kill -0 $p 2>/dev/null && kill -KILL -$p'
  );
}

export function buildRunnerCommand(dir: string, durationSec: number, graceSec: number, env: BpftraceEnv = {}): string {
  if (!TMPDIR_PATTERN.test(dir)) throw new AppError('remote_failed', `unexpected temporary directory name from host: ${JSON.stringify(dir)}`);
  for (const n of [durationSec, graceSec]) {
    if (!Number.isInteger(n) || n < 1 || n > 3600) throw new AppError('validation', `invalid duration ${n}`);
  }
  const envAssignments = Object.entries(env)
    .map(([k, v]) => {
      if (!/^BPFTRACE_[A-Z_]+$/.test(k) || !Number.isInteger(v) || (v as number) < 0) throw new AppError('validation', `invalid bpftrace setting ${k}`);
      return `${k}=${v}`;
    })
    .join(' ');
  // Every interpolated value above is a checked path or an integer.
  return [
    `d='${dir}'`,
    'cd / || exit 97',
    'exec 3<&0',
    `${envAssignments ? `env ${envAssignments} ` : ''}timeout --preserve-status -s INT ${durationSec + ATTACH_ALLOWANCE_SEC} sudo -n bpftrace -f json "$d/${SCRIPT_NAME}" </dev/null &`,
    'p=$!',
    // Writes to a vanished client must not kill this shell before it cleans up.
    "trap '' PIPE",
    // SIGINT on EOF of stdin (the duration's end or a cancel, both sent by bpfdeck; a dead client or
    // server), then the stop limit from that moment: SIGHUP graceSec later, SIGKILL 10 s after that.
    `( cat <&3 >/dev/null 2>&1; [ -d "$d" ] || exit 0; kill -INT $p 2>/dev/null || exit 0; ${escalation(graceSec)} ) </dev/null >/dev/null 2>&1 &`,
    'w1=$!',
    // The backstop, if EOF never comes: the host's timeout sends SIGINT at duration + attach allowance;
    // the same stop limit after it.
    `( ${escalation(durationSec + ATTACH_ALLOWANCE_SEC + graceSec)} ) </dev/null >/dev/null 2>&1 3<&- &`,
    'w2=$!',
    'exec 3<&-',
    'wait $p; rc=$?',
    // the watchers poll once a second: end them with bpftrace, so nothing of the run outlives it
    'kill -KILL $w1 $w2 2>/dev/null',
    'rm -rf "$d"',
    // CPU used by bpftrace (+ sudo, timeout), accumulated in this shell's children times. `times` must
    // run in this shell itself: in a pipeline it would report a subshell's zeros.
    // The exit status is repeated here: under heavy load an SSH exit-status message was seen to go
    // missing (the channel closed without one), and a run must not be called failed for that.
    `printf '\\n${TIMES_MARKER} rc=%d ' "$rc" >&2`,
    'times >&2',
    'exit $rc',
  ].join('\n');
}

/** A fresh private temp dir on the host with the script in it as SCRIPT_NAME (SFTP, or stdin of a fixed `cat`). */
async function pushScript(client: Client, script: string): Promise<{ dir: string; pushedBy: 'sftp' | 'exec' }> {
  const mk = await execCollect(client, 'umask 077 && mktemp -d /tmp/bpfdeck.XXXXXXXXXX', { timeoutMs: 10_000 });
  const dir = mk.stdout.trim();
  // code null = the channel closed without an exit-status message (seen under heavy load); the
  // directory name it printed is proof enough that mktemp succeeded.
  if ((mk.code !== 0 && mk.code !== null) || !TMPDIR_PATTERN.test(dir)) {
    throw new AppError(
      'remote_failed',
      `could not create a temporary directory on the host (exit ${mk.code}${mk.signal ? `, signal ${mk.signal}` : ''}): ${(mk.stderr || mk.stdout).trim().slice(0, 300)}`,
    );
  }
  let pushedBy: 'sftp' | 'exec' = 'sftp';
  try {
    if (!(await sftpWriteFile(client, `${dir}/${SCRIPT_NAME}`, script, 0o600))) {
      pushedBy = 'exec';
      const w = await execCollect(client, `umask 077 && cat > '${dir}/${SCRIPT_NAME}'`, { timeoutMs: 15_000, stdin: script });
      if (w.code !== 0) throw new AppError('remote_failed', `could not write the script on the host: ${w.stderr.trim().slice(0, 300)}`);
    }
  } catch (e) {
    await execCollect(client, `rm -rf '${dir}'`, { timeoutMs: 5_000 }).catch(() => {});
    throw e;
  }
  return { dir, pushedBy };
}

export async function runBpftraceRemote(client: Client, opts: RemoteRunOptions): Promise<RemoteRunResult> {
  const graceSec = opts.graceSec ?? DEFAULT_STOP_GRACE_SEC;
  const { dir, pushedBy } = await pushScript(client, opts.script);

  const channel = await openExec(client, buildRunnerCommand(dir, opts.durationSec, graceSec, opts.env));
  opts.onStarted?.();
  // when bpftrace gets its SIGINT: durationSec after the probes attached (by our clock), or the
  // host's backstop timeout if they never do
  let stopAt = Date.now() + (opts.durationSec + ATTACH_ALLOWANCE_SEC) * 1000;
  return new Promise((resolve) => {
    let cancelled = false;
    let deadlineHit = false;
    let stopped = false;
    let durationTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      stopAt = Math.min(stopAt, Date.now());
      channel.end(); // EOF on the watchdog's stdin -> SIGINT to bpftrace on the host
    };
    const cancel = () => {
      if (cancelled) return;
      cancelled = true;
      stop();
    };
    // the first record is `attached_probes` (both bpftrace versions, -f json); the text may be split
    // across chunks, so the last bytes of the previous chunk are searched with the next one
    let attached = false;
    let carry = '';
    const watchAttach = (b: Buffer) => {
      if (attached) return;
      const text = carry + b.toString('latin1');
      if (!text.includes('attached_probes')) {
        carry = text.slice(-32);
        return;
      }
      attached = true;
      carry = '';
      if (stopped) return;
      stopAt = Date.now() + opts.durationSec * 1000;
      durationTimer = setTimeout(stop, opts.durationSec * 1000);
    };
    if (opts.signal?.aborted) cancel();
    opts.signal?.addEventListener('abort', cancel, { once: true });
    // Last resort on our side: the host's own timeout should always win this race.
    const deadline = setTimeout(
      () => {
        deadlineHit = true;
        channel.close();
      },
      (opts.durationSec + ATTACH_ALLOWANCE_SEC + graceSec + 15) * 1000,
    );
    channel.on('data', (b: Buffer) => {
      watchAttach(b);
      opts.onStdout(b);
    });
    channel.stderr.on('data', (b: Buffer) => opts.onStderr(b));
    channel.on('close', () => {
      clearTimeout(deadline);
      clearTimeout(durationTimer);
      opts.signal?.removeEventListener('abort', cancel);
      // recorded by openExec from the start (a script that fails at once exits before we listen)
      const { code: exitCode, signal: exitSignal } = channel.exitStatus;
      const now = Date.now();
      const stoppingSec = now >= stopAt ? Math.round((now - stopAt) / 100) / 10 : null;
      resolve({ exitCode, exitSignal, cancelled, deadlineHit, pushedBy, stoppingSec });
    });
  });
}

/**
 * The wrapper ends stderr with `\n@@bpfdeck-times <shell user> <shell sys>\n<children user> <children sys>\n`
 * (POSIX `times`, e.g. "0m1.230000s 0m0.450000s"). Returns bpftrace's CPU seconds and stderr without
 * those lines; null when the marker is missing (the wrapper was killed first).
 */
export function parseHostTimes(stderr: string): { cpuSec: number | null; exitCode: number | null; stderr: string } {
  const i = stderr.lastIndexOf(`\n${TIMES_MARKER} `);
  if (i < 0) return { cpuSec: null, exitCode: null, stderr };
  const lines = stderr.slice(i + 1).split('\n');
  const rc = /rc=(\d+)/.exec(lines[0] ?? '');
  const children = lines[1] ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  const cpuSec = secs.length === 2 ? Math.round((secs[0] + secs[1]) * 1000) / 1000 : null;
  return { cpuSec, exitCode: rc ? Number(rc[1]) : null, stderr: stderr.slice(0, i + 1) };
}

/** stderr marker of the check wrapper's exit status line */
export const CHECK_MARKER = '@@bpfdeck-check';

/**
 * The compile-only check: `bpftrace --emit-elf <dir>/check.elf <dir>/tool.bt`. Both 0.17 and 0.23
 * document --emit-elf as a dry run: the script is parsed, analysed and compiled to BPF bytecode, which
 * is written to a file and never loaded, so no probe attaches (0.23's --dry-run attaches all probes
 * before it stops, and 0.17's -d prints debug output: neither fits). The kernel verifier does not see
 * the program, so a check cannot find what only loading finds. Time limit on the host: SIGTERM after
 * timeoutSec (sudo relays it), SIGKILL 5 s later. Every interpolated value is a checked path or an integer.
 */
export function buildCheckCommand(dir: string, timeoutSec: number): string {
  if (!TMPDIR_PATTERN.test(dir)) throw new AppError('remote_failed', `unexpected temporary directory name from host: ${JSON.stringify(dir)}`);
  if (!Number.isInteger(timeoutSec) || timeoutSec < 1 || timeoutSec > 600) throw new AppError('validation', `invalid check time limit ${timeoutSec}`);
  return [
    `d='${dir}'`,
    'cd / || exit 97',
    `timeout -k 5 -s TERM ${timeoutSec} sudo -n bpftrace --emit-elf "$d/check.elf" "$d/${SCRIPT_NAME}" </dev/null >/dev/null`,
    'rc=$?',
    'rm -rf "$d"',
    `printf '\\n${CHECK_MARKER} rc=%d\\n' "$rc" >&2`,
    'exit $rc',
  ].join('\n');
}

export interface RemoteCheckResult {
  exitCode: number | null;
  /** bpftrace's stderr, without the wrapper's status line; what it says about the script (lib/scripts/diagnostics) */
  stderr: string;
}

/** Push the script as a file and compile it on the host without loading it (buildCheckCommand). */
export async function checkBpftraceRemote(client: Client, script: string, timeoutSec: number): Promise<RemoteCheckResult> {
  const { dir } = await pushScript(client, script);
  const r = await execCollect(client, buildCheckCommand(dir, timeoutSec), { timeoutMs: (timeoutSec + 15) * 1000 });
  let stderr = r.stderr;
  let exitCode = r.code;
  const i = stderr.lastIndexOf(`\n${CHECK_MARKER} rc=`);
  if (i >= 0) {
    // the wrapper's own copy of the status: SSH's exit-status message was seen to go missing under load
    const rc = /rc=(\d+)/.exec(stderr.slice(i));
    if (exitCode === null && rc) exitCode = Number(rc[1]);
    stderr = stderr.slice(0, i);
  }
  return { exitCode, stderr };
}
