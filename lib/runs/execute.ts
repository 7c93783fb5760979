/**
 * Executes one run: connect (pinned key), preflight if stale, choose the variant, push and run the
 * script, decode and parse the output as it streams, publish live progress, store everything; each
 * step its own function (executeRun says which). Every outcome ends in a terminal status with a
 * message a person can act on.
 */
import 'server-only';
import { resultForView } from '@/lib/tools/profile/full-stacks';
import zlib from 'node:zlib';
import { db } from '@/lib/db/client';
import type { Prisma } from '@/lib/db/generated/client';
import { config } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createDecoder } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { runPreflight, type HostCapabilities } from '@/lib/bpftrace/preflight';
import { wantedTracepoints } from '@/lib/tools/catalog';
import type { ToolParser } from '@/lib/tools/types';
import { resolveRunScript, type ResolvedRunScript } from '@/lib/runs/script';
import { saveCapabilities, withConnection } from '@/lib/hosts/service';
import { parseHostTimes, runBpftraceRemote } from '@/lib/ssh/remote-bpftrace';
import { liveBus } from '@/lib/runs/backend';
import { afterRunFinished } from '@/lib/reports/snapshot';
import { toPublicRun } from '@/lib/runs/public';
import { classifyOutcome } from '@/lib/runs/outcome';
import { compileRedaction, LineRedactor } from '@/lib/runs/redact';
import { getSetting } from '@/lib/settings';
import type { RunProgress, RunStatus } from '@/lib/runs/types';
import type { Client } from 'ssh2';

/** capabilities older than this are checked again before a run */
const PREFLIGHT_MAX_AGE_MS = 60 * 60 * 1000;
const STDERR_TAIL_BYTES = 8 * 1024;
const PARTIAL_MIN_INTERVAL_MS = 1000;
const PARTIAL_MAX_JSON_CHARS = 2_000_000;
/** progress phase from the moment a cancel reaches the executor (SIGINT on its way to the host) */
export const STOPPING_PHASE = 'stopping: bpftrace prints its maps';

type RunRow = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

/**
 * At most this many runs of this process make and store their results at once. A fleet run's hosts
 * all stop together, and each finishing run holds its result as objects and as JSON text (a busy
 * host's profile: megabytes); the work is on this process's one JS thread anyway, so waiting for a
 * turn costs the last run milliseconds, not the fleet run its wall time.
 */
const FINISHING_AT_ONCE = 2;

class Turns {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
const finishing = new Turns(FINISHING_AT_ONCE);
type Script = ResolvedRunScript;
type RemoteEnding = Awaited<ReturnType<typeof runBpftraceRemote>>;

function loadRun(runId: string) {
  return db().run.findUnique({ where: { id: runId }, include: { host: true } });
}

/**
 * What one run collects while it streams: the raw output (gzip, within the size limit, redacted when
 * the setting says so), the decoder and the tool's parser, progress, and the stderr tail. Publishes
 * progress and partial results on the live bus.
 */
class RunCapture {
  readonly progress: RunProgress;
  stderrTail = Buffer.alloc(0);
  rawBytes = 0;
  rawTruncated = false;
  sawAttached = false;
  startedAt = 0;
  /** when bpftrace's probes attached (its first record): the duration counts from here */
  attachedAt = 0;
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly gzChunks: Buffer[] = [];
  private readonly gzDone: Promise<void>;
  /** made once the script is known (its source says which parser: lib/runs/script.ts) */
  parser: ToolParser<unknown> | null = null;
  private readonly decoder;
  private lastPartialAt = 0;
  private lastProgressAt = 0;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    readonly run: RunRow,
    private readonly redactor: LineRedactor | null,
  ) {
    this.progress = { elapsedSec: 0, remainingSec: run.durationSec, records: 0, lostEvents: 0, stdoutBytes: 0, phase: 'connecting' };
    this.gzip.on('data', (b: Buffer) => this.gzChunks.push(b));
    this.gzDone = new Promise<void>((r) => this.gzip.on('end', () => r()));
    this.decoder = createDecoder({
      version: run.host.preflightJson ? ((JSON.parse(run.host.preflightJson) as HostCapabilities).bpftraceVersion ?? undefined) : undefined,
    });
  }

  get ref() {
    return { id: this.run.id, hostId: this.run.hostId };
  }

  publishProgress(): void {
    void liveBus().publish(this.ref, { type: 'progress', progress: { ...this.progress } });
  }

  async publishRun(data: Prisma.RunUncheckedUpdateInput) {
    const updated = await db().run.update({ where: { id: this.run.id }, data, include: { host: { select: { name: true } } } });
    void liveBus().publish(this.ref, { type: 'run', run: toPublicRun(updated) });
    return updated;
  }

  onStarted(): void {
    this.startedAt = Date.now();
    void this.publishRun({ status: 'running', startedAt: new Date(this.startedAt) });
    // the duration counts from the probes' attachment (lib/ssh/remote-bpftrace.ts): until then, loading
    this.progress.phase = 'attaching probes';
    const d = this.run.durationSec;
    this.ticker = setInterval(() => {
      if (!this.attachedAt) {
        this.publishProgress();
        return;
      }
      this.progress.elapsedSec = Math.min(d, Math.round((Date.now() - this.attachedAt) / 100) / 10);
      this.progress.remainingSec = Math.max(0, Math.round((d - this.progress.elapsedSec) * 10) / 10);
      if (this.progress.remainingSec === 0 && this.progress.phase === 'tracing') this.progress.phase = 'waiting for bpftrace to print its maps';
      this.publishProgress();
    }, 500);
  }

  onStdout(bytes: Buffer): void {
    this.progress.stdoutBytes += bytes.length;
    this.storeStdout(this.redactor ? this.redactor.push(bytes) : bytes);
  }

  onStderr(chunk: Buffer): void {
    this.stderrTail = Buffer.concat([this.stderrTail, chunk]);
    if (this.stderrTail.length > STDERR_TAIL_BYTES) this.stderrTail = this.stderrTail.subarray(this.stderrTail.length - STDERR_TAIL_BYTES);
  }

  /** keep (gzip, within the size limit) and decode stdout: as bpftrace printed it, or redacted */
  private storeStdout(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.rawBytes + chunk.length <= config().maxRawOutputBytes) {
      this.gzip.write(chunk);
      this.rawBytes += chunk.length;
    } else this.rawTruncated = true;
    this.onRecords(this.decoder.push(chunk));
  }

  private onRecords(records: BtRecord[]): void {
    const progress = this.progress;
    let sawMap = false; // any data record: worth a partial result
    const firstRecord = progress.records === 0 && records.length > 0;
    for (const r of records) {
      progress.records++;
      if (r.type === 'attached_probes') {
        if (!this.sawAttached) {
          this.attachedAt = Date.now();
          if (this.progress.phase === 'attaching probes') this.progress.phase = 'tracing';
        }
        this.sawAttached = true;
      } else if (r.type === 'lost_events') progress.lostEvents += r.events;
      else if (r.type !== 'malformed') sawMap = true;
      this.parser?.push(r);
    }
    const now = Date.now();
    // The first record (attached_probes) is news at once; later counts ride on the 500 ms ticker
    // unless records flow faster than it.
    if (firstRecord || (records.length > 0 && now - this.lastProgressAt >= 250)) {
      this.lastProgressAt = now;
      this.publishProgress();
    }
    if (sawMap && this.parser && now - this.lastPartialAt >= PARTIAL_MIN_INTERVAL_MS) {
      this.lastPartialAt = now;
      const snap = this.parser.snapshot();
      // Live partials go to every open dashboard: skip the ones too big to ship every second.
      if (JSON.stringify(snap).length <= PARTIAL_MAX_JSON_CHARS) void liveBus().publish(this.ref, { type: 'partial', result: snap });
    }
  }

  /** the stream ended: flush the redactor and decoder, close the gzip stream */
  async end(): Promise<void> {
    if (this.redactor) this.storeStdout(this.redactor.end());
    this.onRecords(this.decoder.end());
    this.stop();
    await this.gzDone;
  }

  /** stop the ticker and the gzip stream (also on failure) */
  stop(): void {
    clearInterval(this.ticker);
    this.gzip.end();
  }

  rawOutputGz(): Buffer<ArrayBuffer> {
    return Buffer.concat(this.gzChunks);
  }

  /** null when the run ended before its script was known */
  finishParser(): unknown {
    return this.parser ? this.parser.finish() : null;
  }
}

/**
 * Executes one run in four steps, each its own function: connect (pinned key; preflight when the
 * host's capabilities are stale), script (choose the variant, render and record the script), stream
 * (push it, run bpftrace, decode and parse as it prints), outcome (classify the ending: pure, shared
 * with the CLI; store everything; publish "done").
 */
export async function executeRun(runId: string, signal: AbortSignal): Promise<void> {
  const run = await loadRun(runId);
  if (!run) return;
  // Redaction (lib/runs/redact) is decided once per run, from the setting when it starts.
  const redactPatterns = await getSetting('redaction.argvPatterns');
  const redactRe = compileRedaction(redactPatterns);
  const cap = new RunCapture(run, redactRe ? new LineRedactor(redactRe) : null);
  await cap.publishRun({ status: 'connecting' });
  cap.publishProgress();
  if (redactRe) await cap.publishRun({ redactedWith: JSON.stringify(redactPatterns) });

  try {
    const ending = await connectStep(cap, async (client, caps) => {
      const script = await scriptStep(cap, client, caps);
      if (signal.aborted) return null;
      return streamStep(cap, client, script, signal);
    });
    await cap.end();
    // the output is all in: the connection is closed, only the result is left to make and store
    await finishing.run(() => outcomeStep(cap, ending));
  } catch (e) {
    cap.stop();
    const msg = e instanceof AppError ? e.message : `internal error: ${(e as Error).message}`;
    if (!(e instanceof AppError)) console.error(`bpfdeck: run ${runId} failed`, e);
    await finish(runId, 'failed', { errorMessage: msg, stderrTail: cap.stderrTail.toString('utf8') || null });
  }
}

/** Step 1: the SSH connection (through jump hosts, pinned keys), and fresh host capabilities. */
async function connectStep<T>(cap: RunCapture, fn: (client: Client, caps: HostCapabilities) => Promise<T>): Promise<T> {
  const host = cap.run.host;
  return withConnection(host, async (client) => {
    let caps: HostCapabilities | null = host.preflightJson ? JSON.parse(host.preflightJson) : null;
    // a check made before the CPU count was recorded is stale too (fleet views normalise by it)
    if (!caps || caps.cpuCount === undefined || !host.preflightAt || Date.now() - host.preflightAt.getTime() > PREFLIGHT_MAX_AGE_MS) {
      cap.progress.phase = 'checking what the host supports';
      cap.publishProgress();
      caps = await runPreflight(client, wantedTracepoints());
      await saveCapabilities(cap.run.hostId, caps);
    }
    return fn(client, caps);
  });
}

/**
 * Step 2: the exact script text, whatever its source (catalog variant this host supports, the host's
 * own upstream file, an approved custom script: lib/runs/script.ts), its parser, and what is stored
 * with the run (the sha256 of what runs, always).
 */
async function scriptStep(cap: RunCapture, client: Client, caps: HostCapabilities): Promise<Script> {
  const script = await resolveRunScript(cap.run, { client, caps, hostName: cap.run.host.name });
  cap.parser = script.createParser();
  await db().run.update({ where: { id: cap.run.id }, data: script.record });
  return script;
}

/** Step 3: push the script, run bpftrace for the duration (stopped early by `signal`), capture its output. */
async function streamStep(cap: RunCapture, client: Client, script: Script, signal: AbortSignal): Promise<RemoteEnding> {
  cap.progress.phase = 'starting bpftrace';
  cap.publishProgress();
  // a cancel (or a draining worker) is news at once: every viewer sees the stop begin, and P5 times it
  signal.addEventListener(
    'abort',
    () => {
      cap.progress.phase = STOPPING_PHASE;
      cap.publishProgress();
    },
    { once: true },
  );
  return runBpftraceRemote(client, {
    script: script.scriptText,
    durationSec: cap.run.durationSec,
    graceSec: config().stopGraceSec,
    env: script.env,
    signal,
    onStarted: () => cap.onStarted(),
    onStdout: (bytes) => cap.onStdout(bytes),
    onStderr: (chunk) => cap.onStderr(chunk),
  });
}

/** Step 4: judge the ending (classifyOutcome, pure) and store the result, raw output and verdict. */
async function outcomeStep(cap: RunCapture, outcome: RemoteEnding | null): Promise<void> {
  const { cpuSec, exitCode: wrapperExitCode, stderr: stderrText } = parseHostTimes(cap.stderrTail.toString('utf8'));
  // The wrapper reports bpftrace's status on stderr too, for when SSH's exit-status went missing.
  if (outcome && outcome.exitCode === null && outcome.exitSignal === null && wrapperExitCode !== null) outcome.exitCode = wrapperExitCode;
  const result = cap.finishParser();
  cap.parser = null; // its state (a profile's trie) is not needed past this point
  const base = {
    exitCode: outcome?.exitCode ?? null,
    stderrTail: stderrText || null,
    rawOutputGz: cap.rawOutputGz(),
    rawOutputBytes: cap.rawBytes,
    rawTruncated: cap.rawTruncated,
    recordCount: cap.progress.records,
    lostEvents: cap.progress.lostEvents,
    resultJson: result === null ? null : JSON.stringify(result),
    hostCpuSec: cpuSec,
  };
  if (!outcome || outcome.cancelled) {
    await finish(cap.run.id, 'cancelled', { ...base, errorMessage: outcome ? null : 'cancelled before bpftrace started' }, result);
    return;
  }
  const verdict = classifyOutcome({
    exitCode: outcome.exitCode,
    exitSignal: outcome.exitSignal,
    deadlineHit: outcome.deadlineHit,
    stoppingSec: outcome.stoppingSec,
    graceSec: config().stopGraceSec,
    sawAttached: cap.sawAttached,
    records: cap.progress.records,
    stderr: stderrText,
    userStopped: false,
  });
  await finish(cap.run.id, verdict.status, { ...base, errorMessage: verdict.status === 'completed' ? verdict.warning : verdict.failure }, result);
}

/**
 * Stores the ending and announces it. `result` is the parser's result the data's resultJson was made
 * from: "done" carries it as it is (the view's form), not a parse of the stored text, and the stored
 * text and raw output are not read back (a fleet run ends many runs at once: each copy counts).
 */
async function finish(runId: string, status: RunStatus, data: Prisma.RunUncheckedUpdateInput, result: unknown = null): Promise<void> {
  const updated = await db().run.update({
    where: { id: runId },
    data: { ...data, status, endedAt: new Date() },
    omit: { resultJson: true, rawOutputGz: true },
    include: { host: { select: { name: true } } },
  });
  // The report (lib/reports) is made before "done" goes out, so whoever sees the run end finds it.
  await afterRunFinished(runId);
  // the text just stored, by reference (toPublicRun only asks whether there is one)
  const stored = { ...updated, rawOutputGz: null, resultJson: typeof data.resultJson === 'string' ? data.resultJson : null };
  await liveBus().publish(
    { id: runId, hostId: updated.hostId },
    { type: 'done', run: toPublicRun(stored), result: result === null ? null : resultForView(result) },
  );
}

// Outcome classification is pure and shared with the CLI (lib/cli/run-local.ts).
export { explainFailure, meaningfulStderr } from '@/lib/runs/outcome';
