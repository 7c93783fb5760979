/**
 * Pinned upstream fixes (lib/bpftrace/upstream-fixes.ts) on the real files: Debian 12's 0.17
 * runqlat.bt (this machine's /usr/sbin) gets upstream's BTF guard and nothing else; the 0.23 file
 * (the fleet's Debian 13 chroot), which has it already, is left alone; the fix is byte-identical to
 * upstream's commit. Also: the per-version docs links and the probe check of a script's text.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyUpstreamFixes, UPSTREAM_FIXES } from '@/lib/bpftrace/upstream-fixes';
import { scriptBlocker, scriptProbeTypes, upstreamDocs } from '@/lib/bpftrace/upstream-tools';

const RUNQLAT_017 = fs.readFileSync('/usr/sbin/runqlat.bt', 'utf8');
const TRIXIE = '/var/tmp/bpfdeck-fleet/trixie/usr/sbin/runqlat.bt';

describe('upstream fixes', () => {
  it("0.17's runqlat.bt with BTF: the #include becomes upstream's guard; every other line is the host's", () => {
    const { text, applied } = applyUpstreamFixes('runqlat', RUNQLAT_017, { btf: true });
    expect(applied.map((a) => [a.id, a.upstreamCommit, a.upstreamRelease])).toEqual([
      ['runqlat-btf-task-running', 'aa041d9d85f9ec11235c39fdcb5833412ec27083', 'v0.22.0'],
    ]);
    expect(text).toContain('#ifndef BPFTRACE_HAVE_BTF\n#include <linux/sched.h>\n#else\n');
    expect(text).toContain('#define TASK_RUNNING 0\n#endif\n');
    // the guard back to the one #include line gives the host's file, byte for byte
    const guard = text.slice(text.indexOf('#ifndef BPFTRACE_HAVE_BTF'), text.indexOf('#endif') + '#endif'.length);
    expect(guard.split('\n')).toHaveLength(11);
    expect(text.replace(guard, '#include <linux/sched.h>')).toBe(RUNQLAT_017);
  });

  it('no BTF, another tool, or a file that has the guard already (0.23): unchanged', () => {
    expect(applyUpstreamFixes('runqlat', RUNQLAT_017, { btf: false })).toEqual({ text: RUNQLAT_017, applied: [] });
    expect(applyUpstreamFixes('runqlen', RUNQLAT_017, { btf: true }).applied).toEqual([]);
    const t23 = fs.readFileSync(TRIXIE, 'utf8');
    expect(applyUpstreamFixes('runqlat', t23, { btf: true })).toEqual({ text: t23, applied: [] });
  });

  it("the guard is upstream's text at the commit (the 0.23 package's file has the same lines)", () => {
    const t23 = fs.readFileSync(TRIXIE, 'utf8');
    const { text } = applyUpstreamFixes('runqlat', RUNQLAT_017, { btf: true });
    const block = (s: string) => s.slice(s.indexOf('#ifndef BPFTRACE_HAVE_BTF'), s.indexOf('#endif') + 6);
    expect(block(text)).toBe(block(t23));
    expect(UPSTREAM_FIXES.map((f) => f.id)).toEqual(['runqlat-btf-task-running']);
  });
});

describe('upstream docs and probe checks', () => {
  it("links the man page and example at the host's release tag (master has no _example.txt any more)", () => {
    expect(upstreamDocs('runqlat', '0.17.0')).toEqual({
      man: 'https://github.com/bpftrace/bpftrace/blob/v0.17.0/man/man8/runqlat.bt.8',
      example: 'https://github.com/bpftrace/bpftrace/blob/v0.17.0/tools/runqlat_example.txt',
    });
    expect(upstreamDocs('syscount', '0.23.2-1+b1').example).toBe('https://github.com/bpftrace/bpftrace/blob/v0.23.2/tools/syscount_example.txt');
    expect(upstreamDocs('x', null).man).toBe('https://github.com/bpftrace/bpftrace/blob/master/man/man8/x.bt.8');
  });

  it("finds the probe types in a script's code, not in its comments", () => {
    expect(scriptProbeTypes(RUNQLAT_017)).toEqual(['tracepoint']);
    expect(scriptProbeTypes('/* kprobe:vfs_read */\n// kfunc:x\ntracepoint:a:b {}')).toEqual(['tracepoint']);
    expect(scriptProbeTypes('kretprobe:vfs_read,\nkfunc:vfs_write { }\nprofile:hz:99 {}')).toEqual(['kprobe', 'kfunc', 'profile']);
  });

  it('says in plain words which probes cannot attach on the host', () => {
    const noK = { kprobe: { ok: false, message: 'kprobes cannot attach: no kprobe_events' }, tracepoint: { ok: true } };
    expect(scriptBlocker('vfsstat', 'kprobe:vfs_read { @ = count(); }', noK)).toBe(
      "vfsstat.bt uses kprobes, and kprobes cannot attach on this host's kernel (built without CONFIG_KPROBES): it cannot run here.",
    );
    expect(scriptBlocker('x', 'kprobe:a {} kfunc:b {}', { ...noK, kfunc: { ok: false, message: 'no BTF trampolines' } })).toBe(
      'x.bt uses kprobes and kfuncs (fentry), which cannot attach on this host (kprobes cannot attach: no kprobe_events; no BTF trampolines): it cannot run here.',
    );
    expect(scriptBlocker('runqlat', RUNQLAT_017, noK)).toBeNull();
  });
});
