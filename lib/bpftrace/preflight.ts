/**
 * Preflight: what a host really offers, found by trying it. `bpftrace --info` is not trusted for probe
 * types: it reports "kprobe: yes" on kernels built without CONFIG_KPROBES, where every kprobe attach fails.
 * So each probe type a tool may need is attached for real, for a moment, with a constant program.
 */
import type { Client } from 'ssh2';
import { execCollect } from '@/lib/ssh/exec';
import { parseUpstreamListing, upstreamListingLines, type UpstreamTool } from '@/lib/bpftrace/upstream-tools';

export type ProbeType = 'tracepoint' | 'profile' | 'interval' | 'kprobe' | 'kfunc';

export interface ProbeCheck {
  ok: boolean;
  /** why not, in bpftrace's own words (first meaningful stderr line) */
  message?: string;
}

export interface HostCapabilities {
  checkedAt: string;
  kernelRelease: string | null;
  /** online CPUs (`getconf _NPROCESSORS_ONLN`, else `nproc`); null: not printed; absent: checked before it was recorded */
  cpuCount?: number | null;
  /** null: not found in PATH */
  bpftraceVersion: string | null;
  bpftracePath: string | null;
  /** `sudo -n bpftrace` works without a password */
  sudoOk: boolean;
  sudoMessage?: string;
  btf: boolean;
  tracefs: boolean;
  probes: Partial<Record<ProbeType, ProbeCheck>>;
  /** for each tracepoint a catalog tool needs ("block:block_rq_issue"): does the kernel have it */
  tracepoints?: Record<string, boolean>;
  /** the .bt tools the host's bpftrace package ships (absent in checks made before this was listed) */
  upstreamTools?: UpstreamTool[];
  durationMs: number;
}

/** Constant programs: attach, then leave at the first 50 ms tick. */
export const PROBE_PROGRAMS: Record<Exclude<ProbeType, 'interval'>, string> = {
  tracepoint: 'tracepoint:syscalls:sys_enter_getpid {} interval:ms:50 { exit(); }',
  profile: 'profile:hz:99 {} interval:ms:50 { exit(); }',
  kprobe: 'kprobe:vfs_read {} interval:ms:50 { exit(); }',
  // "kfunc" is the name both 0.17 and 0.23 accept ("fentry" makes 0.17 abort with SIGABRT).
  kfunc: 'kfunc:vfs_read {} interval:ms:50 { exit(); }',
};

/** marker: our lines cannot be confused with anything a tool prints (exported for the CLI's local check) */
export const PREFLIGHT_MARKER = '@@bpfdeck';
const M = PREFLIGHT_MARKER;

function buildPreflightCommand(): string {
  // `bpftrace -l` lists every tracepoint this kernel has; the parser keeps the ones tools ask about.
  const lines = [
    `echo "${M} kernel=$(uname -r 2>/dev/null)"`,
    `echo "${M} ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"`,
    `echo "${M} bpftrace_path=$(command -v bpftrace 2>/dev/null)"`,
    `[ -r /sys/kernel/btf/vmlinux ] && echo "${M} btf=1" || echo "${M} btf=0"`,
    // /sys/kernel/tracing is root-only (0700): ask the mount table, not the directory.
    `grep -qs ' tracefs ' /proc/mounts && echo "${M} tracefs=1" || echo "${M} tracefs=0"`,
    // the package's own tools: readable without sudo; fixed text, no request input
    ...upstreamListingLines(M),
    `v=$(sudo -n bpftrace --version 2>&1 </dev/null); rc=$?`,
    `echo "${M} sudo_rc=$rc"`,
    `printf '%s\\n' "$v" | head -n 2 | sed 's/^/${M} sudo_out=/'`,
    `if [ $rc -eq 0 ]; then`,
  ];
  for (const [type, prog] of Object.entries(PROBE_PROGRAMS)) {
    lines.push(
      `  o=$(timeout -k 2 10 sudo -n bpftrace -e '${prog}' 2>&1 </dev/null); echo "${M} probe_${type}_rc=$?"`,
      `  printf '%s\\n' "$o" | grep -E 'ERROR|FATAL|not available|No such' | grep -v RLIMIT_MEMLOCK | head -n 2 | sed 's/^/${M} probe_${type}_msg=/'`,
    );
  }
  lines.push(`  timeout -k 2 20 sudo -n bpftrace -l 'tracepoint:*' 2>/dev/null </dev/null | sed 's/^/${M} tp=/'`);
  lines.push('fi');
  return lines.join('\n');
}

export function parsePreflightOutput(stdout: string, durationMs: number, now = new Date(), wantedTracepoints: readonly string[] = []): HostCapabilities {
  const kv = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(M + ' ')) continue;
    const body = line.slice(M.length + 1);
    const eq = body.indexOf('=');
    if (eq < 0) continue;
    const k = body.slice(0, eq);
    kv.set(k, [...(kv.get(k) ?? []), body.slice(eq + 1)]);
  }
  const one = (k: string) => kv.get(k)?.[0] ?? '';
  // a status the host did not print is no status (Number('') would be 0: "ok")
  const status = (k: string) => (kv.has(k) && /^\d+$/.test(one(k).trim()) ? Number(one(k)) : NaN);
  const sudoRc = status('sudo_rc');
  const sudoOut = (kv.get('sudo_out') ?? []).join(' ').trim();
  const version = /bpftrace v?(\d+\.\d+\.\d+\S*)/.exec(sudoOut)?.[1] ?? null;
  const probes: HostCapabilities['probes'] = {};
  if (sudoRc === 0) {
    for (const type of Object.keys(PROBE_PROGRAMS) as Array<keyof typeof PROBE_PROGRAMS>) {
      const rc = status(`probe_${type}_rc`);
      const msg = (kv.get(`probe_${type}_msg`) ?? []).join(' ').trim();
      probes[type] = rc === 0 ? { ok: true } : { ok: false, message: explainProbeFailure(type, rc, msg) };
    }
    probes.interval = probes.tracepoint?.ok || probes.profile?.ok ? { ok: true } : { ok: false, message: 'no probe attached at all' };
  }
  const listed = new Set((kv.get('tp') ?? []).map((l) => l.replace(/^tracepoint:/, '').trim()));
  const tracepoints = sudoRc === 0 && listed.size > 0 ? Object.fromEntries(wantedTracepoints.map((t) => [t, listed.has(t)])) : undefined;
  return {
    checkedAt: now.toISOString(),
    kernelRelease: one('kernel') || null,
    cpuCount: /^\d{1,6}$/.test(one('ncpu').trim()) && Number(one('ncpu')) > 0 ? Number(one('ncpu')) : null,
    bpftracePath: one('bpftrace_path') || null,
    bpftraceVersion: sudoRc === 0 ? version : null,
    sudoOk: sudoRc === 0,
    sudoMessage: sudoRc === 0 ? undefined : explainSudoFailure(sudoOut, one('bpftrace_path')),
    btf: one('btf') === '1',
    tracefs: one('tracefs') === '1',
    probes,
    tracepoints,
    upstreamTools: parseUpstreamListing(kv.get('upstream') ?? []),
    durationMs,
  };
}

function explainSudoFailure(out: string, path: string): string {
  if (/command not found|not found/i.test(out) || (!path && !/password/i.test(out))) {
    return 'bpftrace is not installed on this host (not found by sudo or in PATH). Install it, e.g. `apt-get install bpftrace`.';
  }
  if (/password is required|not allowed|may not run/i.test(out)) {
    return `this SSH user may not run bpftrace through sudo without a password (sudo said: ${out}). Add a sudoers rule such as "USER ALL=(root) NOPASSWD: /usr/bin/bpftrace".`;
  }
  return `sudo -n bpftrace --version failed: ${out || 'no output'}`;
}

function explainProbeFailure(type: string, rc: number, msg: string): string {
  if (type === 'kprobe' && /kprobe_events|Error attaching/i.test(msg)) {
    return 'kprobes cannot attach: this kernel was built without CONFIG_KPROBES (no kprobe_events)';
  }
  if (type === 'kfunc' && /not available/i.test(msg)) return 'kfunc/fentry is not available on this kernel (needs BTF and BPF trampolines)';
  if (rc === 124 || rc === 137) return `${type} probe test did not finish in 10 s`;
  return msg ? `${type} probe failed (exit ${rc}): ${msg}` : `${type} probe failed (exit ${rc})`;
}

/** wantedTracepoints: the tracepoints catalog variants need (from lib/tools/catalog wantedTracepoints()) */
export async function runPreflight(client: Client, wantedTracepoints: readonly string[] = []): Promise<HostCapabilities> {
  const t0 = Date.now();
  const res = await execCollect(client, buildPreflightCommand(), { timeoutMs: 60_000, maxBytes: 8 << 20 });
  return parsePreflightOutput(res.stdout, Date.now() - t0, new Date(), wantedTracepoints);
}
