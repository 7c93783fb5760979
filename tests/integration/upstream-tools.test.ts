/**
 * The host package's own upstream tools run by name on the real fleet (lib/runs/upstream.ts): the
 * host's file read over SFTP, hashed, pushed and run for a few seconds with the generic views.
 * fleet11 = Debian 12's bpftrace 0.17 (/usr/sbin/*.bt), fleet21 = the Debian 13 chroot's 0.23 (its own).
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFleetHost, useTempDataDir } from './helpers';

beforeAll(() => {
  useTempDataDir('upstream');
});

const SBIN = { fleet11: '/usr/sbin', fleet21: '/var/tmp/bpfdeck-fleet/trixie/usr/sbin' } as const;
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe.each(['fleet11', 'fleet21'] as const)('%s', (name) => {
  it('execsnoop.bt by name: a table holding the marker process, and the sha256 of the host file that ran', async () => {
    const { runUpstreamTool } = await import('@/lib/runs/upstream');
    const { hostId } = await registerFleetHost(name, { check: true });
    const mark = `bpfdeck-up-${name}-${Date.now().toString(36)}`;
    // 3 execs with a marker argv while the tool traces (it attaches within ~1 s of the call)
    const load = spawn('sh', ['-c', `sleep 2; for i in 1 2 3; do /bin/echo ${mark} x > /dev/null; done`], { stdio: 'ignore' });
    const r = await runUpstreamTool(hostId, 'execsnoop', 5);
    load.kill();
    expect(r.failure).toBeNull();
    expect(r.scriptSha256).toBe(sha(`${SBIN[name]}/execsnoop.bt`));
    const t = r.result.sections.find((s) => s.type === 'table');
    expect(t?.type).toBe('table');
    if (t?.type !== 'table') return;
    const args = t.table.columns.find((c) => c.label === 'ARGS')!.key;
    expect(t.table.rows.filter((row) => row[args] === `/bin/echo ${mark} x`)).toHaveLength(3);
  }, 60_000);

  it('runqlat.bt by name: a histogram with percentiles on 0.23; on 0.17 the plain reason it cannot run here', async () => {
    const { runUpstreamTool } = await import('@/lib/runs/upstream');
    const { hostId } = await registerFleetHost(name, { check: true });
    const r = await runUpstreamTool(hostId, 'runqlat', 3);
    expect(r.scriptSha256).toBe(sha(`${SBIN[name]}/runqlat.bt`));
    if (name === 'fleet11') {
      // 0.17's runqlat.bt #includes linux/sched.h; this host's headers lack __aligned_u64 (no BTF fallback in 0.17's tool)
      expect(r.exitCode).toBe(1);
      expect(r.failure).toMatch(/runqlat\.bt failed on .* \(exit 1\): .*(unknown type name|Include headers)/);
      return;
    }
    expect(r.failure).toBeNull();
    const h = r.result.sections.find((s) => s.type === 'histogram');
    expect(h?.type === 'histogram' && h.hists[0].count).toBeGreaterThan(0);
    expect(h?.type === 'histogram' && h.hists[0].p50).not.toBeNull();
  }, 60_000);

  it('a kprobe-based tool (vfsstat.bt) is refused in plain words, before anything runs', async () => {
    const { runUpstreamTool } = await import('@/lib/runs/upstream');
    const { hostId } = await registerFleetHost(name, { check: true });
    await expect(runUpstreamTool(hostId, 'vfsstat', 3)).rejects.toThrow(/vfsstat\.bt uses kprobes.*cannot run here/);
    await expect(runUpstreamTool(hostId, '../../etc/passwd', 3)).rejects.toThrow(/has no tool/);
  }, 60_000);
});
