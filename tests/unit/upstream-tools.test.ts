/**
 * The host check's listing of the host package's upstream tools: the fixed shell lines run for real on
 * this machine's own /usr/sbin (bpftrace 0.17's 38 tools) and parsed; hostile listings are bounded.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseUpstreamListing, scriptUsesKprobes, upstreamBlocker, upstreamListingLines } from '@/lib/bpftrace/upstream-tools';

const M = '@@bpfdeck';

describe('upstream tool listing', () => {
  it("lists this machine's /usr/sbin/*.bt with their header descriptions and kprobe use", () => {
    const out = execFileSync('sh', ['-c', upstreamListingLines(M).join('\n')], { encoding: 'utf8' });
    const values = out
      .split('\n')
      .filter((l) => l.startsWith(`${M} upstream=`))
      .map((l) => l.slice(`${M} upstream=`.length));
    const tools = parseUpstreamListing(values);
    expect(tools).toHaveLength(38); // Debian 12's bpftrace 0.17 package
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('execsnoop')).toMatchObject({
      path: '/usr/sbin/execsnoop.bt',
      description: 'Trace new processes via exec() syscalls.',
      usesKprobes: false,
    });
    expect(byName.get('opensnoop')?.description).toBe('Trace open() syscalls.');
    expect(byName.get('vfsstat')?.usesKprobes).toBe(true);
    expect(byName.get('runqlat')?.usesKprobes).toBe(false);
    expect(byName.get('biostacks')?.description).toBe('Show disk I/O latency with initialization stacks.');
    expect(byName.get('execsnoop')?.example).toBe('https://github.com/bpftrace/bpftrace/blob/master/tools/execsnoop_example.txt');
    expect(upstreamBlocker(byName.get('vfsstat')!, false)).toMatch(/uses kprobes.*cannot run here/);
    expect(upstreamBlocker(byName.get('execsnoop')!, false)).toBeNull();
  });

  it('drops paths outside the package directories and bounds descriptions', () => {
    const tools = parseUpstreamListing([
      '/tmp/evil.bt\t0\tx',
      '/usr/sbin/../../etc/shadow.bt\t0\tx',
      '/usr/sbin/ok.bt\t2\tbad flag',
      `/usr/sbin/long.bt\t0\t${'\u001b[31m'}${'a'.repeat(500)}`,
      '/usr/share/bpftrace/tools/long.bt\t1\tsame name later: listed once',
    ]);
    expect(tools.map((t) => t.name)).toEqual(['long']);
    expect(tools[0].description.length).toBeLessThanOrEqual(160);
    expect(tools[0].description).not.toMatch(/\u001b/);
  });

  it('finds kprobe and kretprobe probes in script text', () => {
    expect(scriptUsesKprobes('kprobe:vfs_read { @ = count(); }')).toBe(true);
    expect(scriptUsesKprobes('BEGIN {}\nkretprobe:vfs_read,\nkprobe:x {}')).toBe(true);
    expect(scriptUsesKprobes('tracepoint:syscalls:sys_enter_openat { }')).toBe(false);
  });
});
