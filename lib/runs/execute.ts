/**
 * Executes one run: connect (pinned key), preflight if stale, choose the variant, push and run the
 * script, decode and parse the output as it streams, publish live progress, store everything.
 * Every outcome ends in a terminal status with a message a person can act on.
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
import { resolveRunScript } from '@/lib/runs/script';
import { saveCapabilities, withConnection } from '@/lib/hosts/service';
import { parseHostTimes, runBpftraceRemote } from '@/lib/ssh/remote-bpftrace';
import { runBus } from '@/lib/runs/bus';
import { afterRunFinished } from '@/lib/reports/snapshot';
import { toPublicRun } from '@/lib/runs/public';
import { classifyOutcome } from '@/lib/runs/outcome';
import { compileRedaction, LineRedactor } from '@/lib/runs/redact';
import { getSetting } from '@/lib/settings';
import type { RunProgress, RunStatus } from '@/lib/runs/types';

/** capabilities older than this are checked again before a run */
const PREFLIGHT_MAX_AGE_MS = 60 * 60 * 1000;
const STDERR_TAIL_BYTES = 8 * 1024;
const PARTIAL_MIN_INTERVAL_MS = 1000;
const PARTIAL_MAX_JSON_CHARS = 2_000_000;

export async function executeRun(runId: string, signal: AbortSignal): Promise<void> {
  const run = await db().run.findUnique({ where: { id: runId }, include: { host: true } });
  if (!run) return;
  const ref = { id: runId, hostId: run.hostId };
  const publishRun = async (data: Prisma.RunUncheckedUpdateInput) => {
    const updated = await db().run.update({ where: { id: runId }, data, include: { host: { select: { name: true } } } });
    runBus.publish(ref, { type: 'run', run: toPublicRun(updated) });
    return updated;
  };

  const progress: RunProgress = { elapsedSec: 0, remainingSec: run.durationSec, records: 0, lostEvents: 0, stdoutBytes: 0, phase: 'connecting' };
  const publishProgress = () => runBus.publish(ref, { type: 'progress', progress: { ...progress } });

  await publishRun({ status: 'connecting' });
  publishProgress();

  // Redaction (lib/runs/redact) is decided once per run, from the setting when it starts.
  const redactPatterns = await getSetting('redaction.argvPatterns');
  const redactRe = compileRedaction(redactPatterns);
  const redactor = redactRe ? new LineRedactor(redactRe) : null;
  if (redactor) await publishRun({ redactedWith: JSON.stringify(redactPatterns) });

  let stderrTail = Buffer.alloc(0);
  const gzip = zlib.createGzip({ level: 6 });
  const gzChunks: Buffer[] = [];
  gzip.on('data', (b: Buffer) => gzChunks.push(b));
  const gzDone = new Promise<void>((r) => gzip.on('end', () => r()));
  let rawBytes = 0;
  let rawTruncated = false;
  let sawAttached = false;
  // made once the script is known (its source says which parser: lib/runs/script.ts)
  let parser = null as ToolParser<unknown> | null;
  const decoder = createDecoder({
    version: run.host.preflightJson ? ((JSON.parse(run.host.preflightJson) as HostCapabilities).bpftraceVersion ?? undefined) : undefined,
  });
  /** keep (gzip, within the size limit) and decode stdout: as bpftrace printed it, or redacted */
  const storeStdout = (chunk: Buffer) => {
    if (chunk.length === 0) return;
    if (rawBytes + chunk.length <= config().maxRawOutputBytes) {
      gzip.write(chunk);
      rawBytes += chunk.length;
    } else rawTruncated = true;
    onRecords(decoder.push(chunk));
  };
  let lastPartialAt = 0;
  let startedAt = 0;
  let ticker: NodeJS.Timeout | undefined;

  let lastProgressAt = 0;
  const onRecords = (records: BtRecord[]) => {
    let sawMap = false; // any data record: worth a partial result
    const firstRecord = progress.records === 0 && records.length > 0;
    for (const r of records) {
      progress.records++;
      if (r.type === 'attached_probes') sawAttached = true;
      else if (r.type === 'lost_events') progress.lostEvents += r.events;
      else if (r.type !== 'malformed') sawMap = true;
      parser?.push(r);
    }
    const now = Date.now();
    // The first record (attached_probes) is news at once; later counts ride on the 500 ms ticker
    // unless records flow faster than it.
    if (firstRecord || (records.length > 0 && now - lastProgressAt >= 250)) {
      lastProgressAt = now;
      publishProgress();
    }
    if (sawMap && parser && now - lastPartialAt >= PARTIAL_MIN_INTERVAL_MS) {
      lastPartialAt = now;
      const snap = parser.snapshot();
      // Live partials go to every open dashboard: skip the ones too big to ship every second.
      if (JSON.stringify(snap).length <= PARTIAL_MAX_JSON_CHARS) runBus.publish(ref, { type: 'partial', result: snap });
    }
  };

  try {
    const outcome = await withConnection(run.host, async (client) => {
      let caps: HostCapabilities | null = run.host.preflightJson ? JSON.parse(run.host.preflightJson) : null;
      if (!caps || !run.host.preflightAt || Date.now() - run.host.preflightAt.getTime() > PREFLIGHT_MAX_AGE_MS) {
        progress.phase = 'checking what the host supports';
        publishProgress();
        caps = await runPreflight(client, wantedTracepoints());
        await saveCapabilities(run.hostId, caps);
      }
      // catalog variant, host's upstream file, ...: what to push, its sha256 and parser (lib/runs/script.ts)
      const script = await resolveRunScript(run, { client, caps, hostName: run.host.name });
      parser = script.createParser();
      await db().run.update({ where: { id: runId }, data: script.record });
      if (signal.aborted) return null;

      progress.phase = 'starting bpftrace';
      publishProgress();
      return runBpftraceRemote(client, {
        script: script.scriptText,
        durationSec: run.durationSec,
        graceSec: config().stopGraceSec,
        env: script.env,
        signal,
        onStarted: () => {
          startedAt = Date.now();
          void publishRun({ status: 'running', startedAt: new Date(startedAt) });
          progress.phase = 'tracing';
          ticker = setInterval(() => {
            progress.elapsedSec = Math.min(run.durationSec, Math.round((Date.now() - startedAt) / 100) / 10);
            progress.remainingSec = Math.max(0, Math.round((run.durationSec - progress.elapsedSec) * 10) / 10);
            if (progress.remainingSec === 0 && progress.phase === 'tracing') progress.phase = 'waiting for bpftrace to print its maps';
            publishProgress();
          }, 500);
        },
        onStdout: (bytes) => {
          progress.stdoutBytes += bytes.length;
          storeStdout(redactor ? redactor.push(bytes) : bytes);
        },
        onStderr: (chunk) => {
          stderrTail = Buffer.concat([stderrTail, chunk]);
          if (stderrTail.length > STDERR_TAIL_BYTES) stderrTail = stderrTail.subarray(stderrTail.length - STDERR_TAIL_BYTES);
        },
      });
    });
    if (redactor) storeStdout(redactor.end());
    onRecords(decoder.end());
    clearInterval(ticker);
    gzip.end();
    await gzDone;

    const { cpuSec, exitCode: wrapperExitCode, stderr: stderrText } = parseHostTimes(stderrTail.toString('utf8'));
    // The wrapper reports bpftrace's status on stderr too, for when SSH's exit-status went missing.
    if (outcome && outcome.exitCode === null && outcome.exitSignal === null && wrapperExitCode !== null) outcome.exitCode = wrapperExitCode;
    const result = parser?.finish() ?? null;
    const base = {
      exitCode: outcome?.exitCode ?? null,
      stderrTail: stderrText || null,
      rawOutputGz: Buffer.concat(gzChunks),
      rawOutputBytes: rawBytes,
      rawTruncated,
      recordCount: progress.records,
      lostEvents: progress.lostEvents,
      resultJson: result === null ? null : JSON.stringify(result),
      hostCpuSec: cpuSec,
    };
    if (!outcome || outcome.cancelled) {
      await finish(runId, 'cancelled', { ...base, errorMessage: outcome ? null : 'cancelled before bpftrace started' });
    } else {
      const verdict = classifyOutcome({
        exitCode: outcome.exitCode,
        exitSignal: outcome.exitSignal,
        deadlineHit: outcome.deadlineHit,
        stoppingSec: outcome.stoppingSec,
        graceSec: config().stopGraceSec,
        sawAttached,
        records: progress.records,
        stderr: stderrText,
        userStopped: false,
      });
      await finish(runId, verdict.status, { ...base, errorMessage: verdict.status === 'completed' ? verdict.warning : verdict.failure });
    }
  } catch (e) {
    clearInterval(ticker);
    gzip.end();
    const msg = e instanceof AppError ? e.message : `internal error: ${(e as Error).message}`;
    if (!(e instanceof AppError)) console.error(`bpfdeck: run ${runId} failed`, e);
    await finish(runId, 'failed', { errorMessage: msg, stderrTail: stderrTail.toString('utf8') || null });
  }
}

async function finish(runId: string, status: RunStatus, data: Prisma.RunUncheckedUpdateInput): Promise<void> {
  const updated = await db().run.update({
    where: { id: runId },
    data: { ...data, status, endedAt: new Date() },
    include: { host: { select: { name: true } } },
  });
  // The report (lib/reports) is made before "done" goes out, so whoever sees the run end finds it.
  await afterRunFinished(runId);
  runBus.publish(
    { id: runId, hostId: updated.hostId },
    { type: 'done', run: toPublicRun(updated), result: updated.resultJson ? resultForView(JSON.parse(updated.resultJson)) : null },
  );
}

// Outcome classification is pure and shared with the CLI (lib/cli/run-local.ts).
export { explainFailure, meaningfulStderr } from '@/lib/runs/outcome';
