/**
 * What this machine offers, for `bpfdeck run --local`: the same checks as the SSH preflight
 * (lib/bpftrace/preflight.ts), made with local processes (no shell) and read by the same parser:
 * the findings are written as the preflight's marker lines and handed to parsePreflightOutput.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePreflightOutput, PREFLIGHT_MARKER, PROBE_PROGRAMS, type HostCapabilities, type ProbeType } from '@/lib/bpftrace/preflight';

interface Exec {
  rc: number | null;
  out: string;
}

function run(file: string, args: string[], timeoutMs: number): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 32 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
      const rc = !e ? 0 : typeof e.code === 'number' ? e.code : e.killed ? 124 : 127;
      resolve({ rc, out: `${stdout}${stderr}` });
    });
  });
}

/** `command -v bpftrace`, without a shell */
export function findInPath(name: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The preflight's filter of a probe test's output: the first lines that say what went wrong. */
function probeMessage(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => /ERROR|FATAL|not available|No such/.test(l) && !/RLIMIT_MEMLOCK/.test(l))
    .slice(0, 2);
}

/**
 * Check this machine. Only the probe types in `probeTypes` are tried (each costs a bpftrace start);
 * the others are reported as not checked, so no variant needing them is chosen.
 */
export async function localPreflight(probeTypes: readonly ProbeType[], wantedTracepoints: readonly string[]): Promise<HostCapabilities> {
  const t0 = Date.now();
  const M = PREFLIGHT_MARKER;
  const lines: string[] = [`${M} kernel=${os.release()}`];
  const bpftrace = findInPath('bpftrace');
  lines.push(`${M} bpftrace_path=${bpftrace ?? ''}`);
  lines.push(`${M} btf=${fs.existsSync('/sys/kernel/btf/vmlinux') ? 1 : 0}`);
  let mounts = '';
  try {
    mounts = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    // no /proc: tracefs unknown
  }
  lines.push(`${M} tracefs=${mounts.includes(' tracefs ') ? 1 : 0}`);
  if (!bpftrace) {
    lines.push(`${M} sudo_rc=127`, `${M} sudo_out=bpftrace: command not found`);
    return parsePreflightOutput(lines.join('\n'), Date.now() - t0, new Date(), wantedTracepoints);
  }
  // As root no sudo is needed; the parser calls this check "sudo" because over SSH it is one.
  const ver = await run(bpftrace, ['--version'], 10_000);
  lines.push(`${M} sudo_rc=${ver.rc}`);
  for (const l of ver.out.split('\n').slice(0, 2)) lines.push(`${M} sudo_out=${l}`);
  if (ver.rc === 0) {
    const types = Object.keys(PROBE_PROGRAMS) as Array<keyof typeof PROBE_PROGRAMS>;
    const wanted = new Set<string>(probeTypes);
    // interval needs a tracepoint or profile probe to tick: check one of them if only interval is asked
    if (wanted.has('interval') && !wanted.has('profile')) wanted.add('tracepoint');
    const checks = await Promise.all(
      types.map(async (type) => {
        if (!wanted.has(type)) return [`${M} probe_${type}_rc=1`, `${M} probe_${type}_msg=not checked (this tool does not use ${type} probes)`];
        const r = await run(bpftrace, ['-e', PROBE_PROGRAMS[type]], 10_000);
        return [`${M} probe_${type}_rc=${r.rc}`, ...probeMessage(r.out).map((m) => `${M} probe_${type}_msg=${m}`)];
      }),
    );
    lines.push(...checks.flat());
    if (wantedTracepoints.length) {
      const tps = await run(bpftrace, ['-l', 'tracepoint:*'], 30_000);
      for (const l of tps.out.split('\n')) if (l.startsWith('tracepoint:')) lines.push(`${M} tp=${l}`);
    }
  }
  return parsePreflightOutput(lines.join('\n'), Date.now() - t0, new Date(), wantedTracepoints);
}
