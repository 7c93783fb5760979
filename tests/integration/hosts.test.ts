/**
 * Host inventory, host key pinning and preflight against the real test fleet (real sshd on 127.0.0.x,
 * real sudo, real bpftrace 0.17 and 0.23).
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetHost, fleetSsh, hostKeyBlob, sshdLogSince, sshdLogSize } from './fleet';
import { registerFleetHost, useTempDataDir } from './helpers';
import { closedLoopbackPort, kernelHasKprobePmu } from './host-facts';

beforeAll(() => {
  useTempDataDir('hosts');
});

async function expectAppError(p: Promise<unknown>, code: string): Promise<Error & { code: string; details?: Record<string, unknown> }> {
  const { AppError } = await import('@/lib/errors');
  const e = await p.then(
    () => {
      throw new Error(`expected an AppError ${code}, but it succeeded`);
    },
    (err) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  expect(e.code, e.message).toBe(code);
  return e;
}

describe('host key pinning', () => {
  it('shows the fingerprint exactly as ssh-keygen -l prints it, and pins it only when accepted', async () => {
    const { createHost, scanHostKey, getHost, acceptHostKey } = await import('@/lib/hosts/service');
    const fs = await import('node:fs');
    const { fleetClientKeyPath } = await import('./fleet');
    const f = fleetHost('fleet11');
    const h = await createHost({
      name: 'pin-me',
      address: f.address,
      port: f.port,
      username: f.user,
      privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
    });
    expect((await getHost(h.id)).hostKey).toBeNull();
    const offered = await scanHostKey(h.id);
    const keygen = execFileSync('ssh-keygen', ['-l', '-f', f.hostKeyPath], { encoding: 'utf8' }); // "256 SHA256:... comment (ED25519)"
    expect(keygen.split(' ')[1]).toBe(offered.fingerprint);
    expect(offered.algo).toBe('ssh-ed25519');
    // scanning pins nothing
    expect((await getHost(h.id)).hostKey).toBeNull();
    const pinned = await acceptHostKey(h.id, offered.fingerprint);
    expect(pinned.hostKey?.fingerprint).toBe(offered.fingerprint);
  });

  it('refuses to pin a fingerprint the host does not offer', async () => {
    const { acceptHostKey, getHost } = await import('@/lib/hosts/service');
    const { hostId } = await registerFleetHost('fleet12', { pin: false });
    const other = (await import('@/lib/ssh/hostkey')).fingerprintOf(hostKeyBlob(fleetHost('fleet11')));
    const e = await expectAppError(acceptHostKey(hostId, other), 'host_key_mismatch');
    expect(e.message).toContain(other);
    expect((await getHost(hostId)).hostKey).toBeNull();
  });

  it('refuses to connect when the host offers a different key than the pinned one, naming both', async () => {
    const { checkHost } = await import('@/lib/hosts/service');
    const { db } = await import('@/lib/db/client');
    const { fingerprintOf } = await import('@/lib/ssh/hostkey');
    const { hostId } = await registerFleetHost('fleet11');
    // The "host" now presents fleet11's real key, but we pretend fleet12's key was pinned: a changed key.
    const wrong = hostKeyBlob(fleetHost('fleet12'));
    await db().host.update({ where: { id: hostId }, data: { hostKeyBlob: wrong.toString('base64'), hostKeyFingerprint: fingerprintOf(wrong) } });
    const e = await expectAppError(checkHost(hostId), 'host_key_mismatch');
    expect(e.message).toContain(fingerprintOf(wrong));
    expect(e.message).toContain(fingerprintOf(hostKeyBlob(fleetHost('fleet11'))));
    expect(e.message).toMatch(/Refusing to connect/);
  });

  it('does not run anything on a host whose key was never accepted: no connection reaches its sshd', async () => {
    const { startRun } = await import('@/lib/runs/service');
    const { hostId, fleet } = await registerFleetHost('fleet11', { pin: false });
    const before = sshdLogSize(fleet);
    await expectAppError(startRun({ hostId, toolId: 'profile', durationSec: 10 }, 'test'), 'host_key_unknown');
    // A run is started in the background: give a wrongly started one time to connect (and log) first.
    await new Promise((r) => setTimeout(r, 2000));
    // sshd (LogLevel VERBOSE) logs "Connection from <ip> port <p> on <addr> port 22" for every TCP
    // connection, before any key exchange. The fleet lock keeps other tests away from this host.
    expect(sshdLogSince(fleet, before)).not.toMatch(/Connection from/);
    // ... and the log does record connections: our own check by ssh shows up there.
    const probe = await fleetSsh(fleet, ['true']);
    expect(probe.code, probe.stderr).toBe(0);
    expect(sshdLogSince(fleet, before)).toMatch(
      new RegExp(`Connection from 127\\.0\\.0\\.\\d+ port \\d+ on ${fleet.address.replace(/\./g, '\\.')} port ${fleet.port}`),
    );
  });
});

describe('unreachable hosts', () => {
  it('fails fast with a clear error when nothing listens at the address', async () => {
    const { createHost, scanHostKey } = await import('@/lib/hosts/service');
    const fs = await import('node:fs');
    const { fleetClientKeyPath } = await import('./fleet');
    // A loopback port this test has just seen refuse a connection: the kernel answers with a RST at once.
    const port = await closedLoopbackPort('127.0.0.99');
    const h = await createHost({ name: 'nobody-home', address: '127.0.0.99', port, username: 'x', privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') });
    const e = await expectAppError(scanHostKey(h.id), 'unreachable');
    expect(e.message).toMatch(/refused the connection/);
    expect(e.message).toContain(`127.0.0.99:${port}`);
  });
});

/** The version the host's own bpftrace prints (`bpftrace --version` over the system ssh client). */
async function hostBpftraceVersion(name: string): Promise<string> {
  const r = await fleetSsh(name, ['sh', '-c', 'PATH=$PATH:/usr/sbin:/usr/bin exec bpftrace --version']);
  expect(r.code, r.stderr).toBe(0);
  const v = /bpftrace v?(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
  expect(v, `bpftrace --version printed ${JSON.stringify(r.stdout)}`).toBeTruthy();
  return v!;
}

describe('preflight', () => {
  it('reports the bpftrace 0.17 of fleet11, with tracepoints attaching and kprobes as this kernel offers them', async () => {
    const { getHost } = await import('@/lib/hosts/service');
    const { hostId } = await registerFleetHost('fleet11', { check: true });
    const caps = (await getHost(hostId)).capabilities!;
    const version = await hostBpftraceVersion('fleet11');
    expect(version).toMatch(/^0\.17\./);
    expect(caps.bpftraceVersion).toBe(version);
    expect(caps.sudoOk).toBe(true);
    expect(caps.kernelRelease).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(caps.btf).toBe(true);
    expect(caps.tracefs).toBe(true);
    expect(caps.probes.tracepoint?.ok).toBe(true);
    expect(caps.probes.profile?.ok).toBe(true);
    // bpftrace --info claims kprobes even on kernels without them; the attach test must agree with the
    // kernel itself (its kprobe PMU), and give the real reason where they cannot attach.
    if (kernelHasKprobePmu()) {
      expect(caps.probes.kprobe?.ok, caps.probes.kprobe?.message).toBe(true);
    } else {
      expect(caps.probes.kprobe?.ok).toBe(false);
      expect(caps.probes.kprobe?.message).toMatch(/CONFIG_KPROBES/);
    }
    // kfunc (fentry) is checked too; where it cannot attach, the reason is given in words
    expect(typeof caps.probes.kfunc?.ok).toBe('boolean');
    if (!caps.probes.kfunc!.ok) expect(caps.probes.kfunc!.message).toMatch(/kfunc\/fentry is not available|\S/);
    // the host package's upstream tools (Debian 12's bpftrace: 38 in /usr/sbin), with their header lines
    const up = new Map((caps.upstreamTools ?? []).map((t) => [t.name, t]));
    expect(String(up.size)).toBe(execFileSync('sh', ['-c', 'ls /usr/sbin/*.bt | wc -l'], { encoding: 'utf8' }).trim());
    expect(up.get('execsnoop')).toMatchObject({ path: '/usr/sbin/execsnoop.bt', description: 'Trace new processes via exec() syscalls.', usesKprobes: false });
    expect(up.get('vfsstat')?.usesKprobes).toBe(true);
  });

  it('reports the bpftrace 0.23 of fleet21 (Debian 13 chroot)', async () => {
    const { getHost } = await import('@/lib/hosts/service');
    const { hostId } = await registerFleetHost('fleet21', { check: true });
    const caps = (await getHost(hostId)).capabilities!;
    const version = await hostBpftraceVersion('fleet21');
    expect(version).toMatch(/^0\.23\./);
    expect(caps.bpftraceVersion).toBe(version);
    expect(caps.probes.tracepoint?.ok).toBe(true);
    expect(caps.probes.kprobe?.ok).toBe(kernelHasKprobePmu());
    // the chroot's own package (Debian 13's bpftrace), not the machine's: its execsnoop.bt header is its own
    const chrootSbin = '/var/tmp/bpfdeck-fleet/trixie/usr/sbin';
    const want = execFileSync('sh', ['-c', `ls ${chrootSbin}/*.bt | wc -l`], { encoding: 'utf8' }).trim();
    expect(String(caps.upstreamTools?.length)).toBe(want);
    expect(caps.upstreamTools?.find((t) => t.name === 'runqlat')).toMatchObject({ path: '/usr/sbin/runqlat.bt', usesKprobes: false });
  });

  it('says plainly that bpftrace is missing on a host without it, and refuses to start tools there', async () => {
    const { getHost } = await import('@/lib/hosts/service');
    const { startRun } = await import('@/lib/runs/service');
    const { hostId } = await registerFleetHost('fleet15', { check: true });
    const caps = (await getHost(hostId)).capabilities!;
    expect(caps.sudoOk).toBe(false);
    expect(caps.bpftraceVersion).toBeNull();
    expect(caps.sudoMessage).toMatch(/bpftrace is not installed on this host/);
    const e = await expectAppError(startRun({ hostId, toolId: 'profile', durationSec: 10 }, 'test'), 'tool_unavailable');
    expect(e.message).toMatch(/not installed/);
  });

  it('says plainly that the SSH user may not run bpftrace through sudo', async () => {
    const { getHost } = await import('@/lib/hosts/service');
    const { hostId } = await registerFleetHost('fleet14', { check: true });
    const caps = (await getHost(hostId)).capabilities!;
    expect(caps.sudoOk).toBe(false);
    expect(caps.sudoMessage).toMatch(/may not run bpftrace through sudo without a password/);
    expect(caps.sudoMessage).toMatch(/sudo: a password is required/);
  });
});
