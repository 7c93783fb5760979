/**
 * `bpfdeck run --local`: a tool on this machine, as root, without SSH and without the database.
 * The same steps as a remote run: check what the machine offers, choose the variant, render the script
 * into a private directory, run `timeout --preserve-status -s INT -k <grace> <s> bpftrace -f json
 * <script>` (no shell: an argument vector), decode and parse stdout as it streams, and keep stderr.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDecoder } from '@/lib/bpftrace/decoder';
import type { ProbeType } from '@/lib/bpftrace/preflight';
import { localPreflight } from '@/lib/cli/local-preflight';
import type { RunRequest } from '@/lib/cli/validate';
import { classifyOutcome, meaningfulStderr } from '@/lib/runs/outcome';
import { config } from '@/lib/env';
import { chooseVariant, loadScript } from '@/lib/tools/catalog';

const STDERR_TAIL_BYTES = 8 * 1024;

export class LocalRunError extends Error {}

export interface LocalRunOutcome {
  result: unknown;
  exitCode: number | null;
  /** null when bpftrace ended normally (exit 0 after the time limit) */
  failure: string | null;
  /** the result is whole but for what bpftrace prints at exit (it was killed for being slow to stop) */
  warning: string | null;
  interrupted: boolean;
  variantId: string;
  bpftraceVersion: string | null;
}

export async function runLocal(req: RunRequest, progress: (line: string) => void): Promise<LocalRunOutcome> {
  if (process.getuid?.() !== 0) throw new LocalRunError('run --local needs root: bpftrace loads BPF programs (run it with sudo)');
  const { tool } = req;
  progress(`checking what this machine offers (${os.hostname()}, kernel ${os.release()})`);
  const probeTypes = [...new Set(tool.variants.flatMap((v) => v.requires))] as ProbeType[];
  const caps = await localPreflight(probeTypes, [...new Set(tool.variants.flatMap((v) => v.tracepoints ?? []))]);
  if (!caps.sudoOk) throw new LocalRunError(caps.sudoMessage ?? 'bpftrace cannot run on this machine');
  const choice = chooseVariant(tool, caps);
  if (!choice.ok) throw new LocalRunError(choice.reason);
  const script = loadScript(choice.variant, tool, req.params);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-local-'));
  try {
    fs.chmodSync(dir, 0o700);
    const file = path.join(dir, 'tool.bt');
    fs.writeFileSync(file, script.text, { mode: 0o600 });
    progress(`running ${choice.variant.file} (bpftrace ${caps.bpftraceVersion}, sha256 ${script.sha256.slice(0, 12)}) for ${req.durationSec} s`);

    const graceSec = config().stopGraceSec;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(tool.env ?? {})) env[k] = String(v);
    const child = spawn('timeout', ['--preserve-status', '-s', 'INT', '-k', String(graceSec), String(req.durationSec), 'bpftrace', '-f', 'json', file], {
      cwd: '/',
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const decoder = createDecoder({ version: caps.bpftraceVersion ?? undefined });
    const parser = tool.createParser();
    let records = 0;
    let lost = 0;
    let sawAttached = false;
    let stderrTail = Buffer.alloc(0);
    const t0 = Date.now();
    const onRecords = (recs: ReturnType<typeof decoder.push>) => {
      for (const r of recs) {
        records++;
        if (r.type === 'attached_probes') sawAttached = true;
        else if (r.type === 'lost_events') lost += r.events;
        parser.push(r);
      }
    };
    child.stdout.on('data', (b: Buffer) => onRecords(decoder.push(b)));
    child.stderr.on('data', (b: Buffer) => {
      stderrTail = Buffer.concat([stderrTail, b]);
      if (stderrTail.length > STDERR_TAIL_BYTES) stderrTail = stderrTail.subarray(stderrTail.length - STDERR_TAIL_BYTES);
    });
    let lastLine = '';
    const ticker = setInterval(() => {
      const s = Math.min(req.durationSec, Math.round((Date.now() - t0) / 1000));
      const line = `${s < req.durationSec ? 'tracing' : 'waiting for bpftrace to print its maps'} ${s}/${req.durationSec} s: ${records} records, ${lost} lost`;
      if (line !== lastLine) progress(line);
      lastLine = line;
    }, 1000);
    // Ctrl-C reaches bpftrace too (same process group): it prints its maps and exits; keep reading.
    let interrupted = false;
    let stopAt = t0 + req.durationSec * 1000; // when timeout sends its SIGINT
    const onSigint = () => {
      interrupted = true;
      stopAt = Math.min(stopAt, Date.now());
      child.kill('SIGINT');
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    const endedAt = Date.now();
    const stoppingSec = endedAt >= stopAt ? Math.round((endedAt - stopAt) / 100) / 10 : null;
    if (stoppingSec !== null) progress(`bpftrace ended ${stoppingSec} s after SIGINT`);
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    onRecords(decoder.end());
    const stderr = stderrTail.toString('utf8');
    for (const l of meaningfulStderr(stderr).slice(0, 20)) progress(`bpftrace: ${l}`);
    const verdict = classifyOutcome({
      exitCode: code,
      exitSignal: signal,
      deadlineHit: false,
      stoppingSec,
      graceSec,
      sawAttached,
      records,
      stderr,
      userStopped: interrupted,
    });
    return {
      result: parser.finish(),
      exitCode: code,
      failure: verdict.status === 'failed' ? verdict.failure : null,
      warning: verdict.status === 'completed' ? verdict.warning : null,
      interrupted,
      variantId: choice.variant.id,
      bpftraceVersion: caps.bpftraceVersion,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
