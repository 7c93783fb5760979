/**
 * SSH identities and jump hosts against the real test fleet (scripts/fleet/fleet-up.sh):
 *   fleet47  accepts only passphrase-protected keys (OpenSSH ed25519 and PEM RSA)
 *   fleet48  accepts only a key this test loads into an ssh-agent it starts itself
 *   fleet45  bastion in a network namespace: TCP forwarding to fleet49 only, no shell, no sudo
 *   fleet46  bastion whose sshd refuses forwarding
 *   fleet49  reachable only through fleet45 (its own network namespace)
 * Every failure must name the host or hop that failed and why, and fail fast.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetHost, readHostPublicKey } from './fleet';
import { pollUntil, registerFleetHost, startBusyLoop, useTempDataDir } from './helpers';

let agentDir: string;
let agentSock: string;
let agent: ChildProcess | null = null;

beforeAll(async () => {
  useTempDataDir('identities');
  agentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-it-agent-'));
  agentSock = path.join(agentDir, 'agent.sock');
  // before lib/env is first read: the agent sockets this "server" allows
  process.env.BPFDECK_SSH_AGENT_SOCKETS = agentSock;
  // -D: stays in the foreground, so the test owns the process and ends it by its pid
  agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  await pollUntil(
    async () => fs.existsSync(agentSock),
    (x) => x,
    5000,
    50,
  );
});

afterAll(async () => {
  agent?.kill('SIGTERM');
  const { runner } = await import('@/lib/runs/service');
  await runner().shutdown(10_000);
  fs.rmSync(agentDir, { recursive: true, force: true });
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

const read = (p: string) => fs.readFileSync(p, 'utf8');
const passphraseOf = (keyPath: string) => read(`${keyPath}.passphrase`).trim();
const clientDir = () => path.dirname(fleetClientKeyPath());

/** add a host for a fleet entry with the given identity, pin its key from the host's own key file */
async function addHost(fleetName: string, identityId: string, opts: { jumpHostIds?: string[]; pin?: boolean } = {}) {
  const { createHost, scanHostKey, acceptHostKey } = await import('@/lib/hosts/service');
  const { hostKeyFromPublicKeyLine } = await import('@/lib/ssh/hostkey');
  const f = fleetHost(fleetName);
  const h = await createHost({
    name: `${fleetName}-${Math.random().toString(36).slice(2, 8)}`,
    address: f.address,
    port: f.port,
    username: f.user,
    identityId,
    jumpHostIds: opts.jumpHostIds,
  });
  if (opts.pin !== false) {
    const offered = await scanHostKey(h.id);
    expect(offered.fingerprint).toBe(hostKeyFromPublicKeyLine(readHostPublicKey(f)).fingerprint);
    await acceptHostKey(h.id, offered.fingerprint);
  }
  return h;
}

async function whoami(hostId: string): Promise<string> {
  const { getHostRow, withConnection } = await import('@/lib/hosts/service');
  const { execCollect } = await import('@/lib/ssh/exec');
  const r = await withConnection(await getHostRow(hostId), (c) => execCollect(c, 'id -un', { timeoutMs: 20_000 }));
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('identities with passphrase-protected keys (fleet47)', () => {
  it.each([
    ['OpenSSH ed25519', 'id_ed25519_enc'],
    ['PEM RSA', 'id_rsa_pem_enc'],
  ])('%s: the right passphrase logs in; the fingerprint is the one ssh-keygen prints', async (_label, file) => {
    const { createIdentity } = await import('@/lib/hosts/identities');
    const keyPath = path.join(clientDir(), file);
    const id = await createIdentity({ name: `enc-${file}`, kind: 'key', privateKey: read(keyPath), passphrase: passphraseOf(keyPath) });
    expect(id.encrypted).toBe(true);
    expect(id.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-f', `${keyPath}.pub`], { encoding: 'utf8' }).split(' ')[1]);
    expect(id.publicKey.split(' ').slice(0, 2).join(' ')).toBe(read(`${keyPath}.pub`).trim().split(' ').slice(0, 2).join(' '));
    expect(JSON.stringify(id)).not.toContain(passphraseOf(keyPath));
    const h = await addHost('fleet47', id.id);
    expect(await whoami(h.id)).toBe('fleet47');
  });

  it('a wrong or missing passphrase is refused when the identity is saved, saying which', async () => {
    const { createIdentity, listIdentities } = await import('@/lib/hosts/identities');
    for (const file of ['id_ed25519_enc', 'id_rsa_pem_enc']) {
      const key = read(path.join(clientDir(), file));
      const wrong = await expectAppError(createIdentity({ name: `bad-${file}`, kind: 'key', privateKey: key, passphrase: 'not-the-passphrase' }), 'validation');
      expect(wrong.message).toBe('wrong passphrase: the private key could not be decrypted with it');
      const missing = await expectAppError(createIdentity({ name: `none-${file}`, kind: 'key', privateKey: key }), 'validation');
      expect(missing.message).toMatch(/protected by a passphrase: give its passphrase/);
    }
    expect((await listIdentities()).map((i) => i.name)).not.toContain('bad-id_ed25519_enc');
  });

  it('the passphrase and key are encrypted at rest (not in the database file)', async () => {
    const { config } = await import('@/lib/env');
    const dbBytes = fs.readFileSync(config().databaseFile).toString('latin1');
    const keyPath = path.join(clientDir(), 'id_ed25519_enc');
    expect(dbBytes).not.toContain(passphraseOf(keyPath));
    expect(dbBytes).not.toContain(read(keyPath).split('\n')[1]);
  });
});

describe('ssh-agent identity (fleet48; the agent is started by this test)', () => {
  it('an agent that holds no key is refused with a clear error', async () => {
    const { createIdentity } = await import('@/lib/hosts/identities');
    const e = await expectAppError(createIdentity({ name: 'agent-empty', kind: 'agent', agentSocket: agentSock }), 'validation');
    expect(e.message).toBe(`the ssh-agent at ${agentSock} holds no key: add one with ssh-add`);
  });

  it('a socket the server does not allow is refused', async () => {
    const { createIdentity } = await import('@/lib/hosts/identities');
    const e = await expectAppError(createIdentity({ name: 'agent-other', kind: 'agent', agentSocket: '/run/other.sock' }), 'validation');
    expect(e.message).toContain('is not one of the sockets this server allows');
  });

  it('with the key added, the host logs in through the agent', async () => {
    const { createIdentity } = await import('@/lib/hosts/identities');
    const keyPath = path.join(clientDir(), 'id_ed25519_agent');
    execFileSync('ssh-add', [keyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, stdio: 'pipe' });
    const id = await createIdentity({ name: 'agent', kind: 'agent', agentSocket: agentSock });
    expect(id.kind).toBe('agent');
    expect(id.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-f', `${keyPath}.pub`], { encoding: 'utf8' }).split(' ')[1]);
    const h = await addHost('fleet48', id.id);
    expect(await whoami(h.id)).toBe('fleet48');
    // the fleet's usual key is not in the agent: fleet11 refuses it, naming the agent
    const other = await addHost('fleet11', id.id);
    const e = await expectAppError(whoami(other.id), 'auth_failed');
    expect(e.message).toContain('accepted none of the keys in the ssh-agent');
  });
});

describe('one identity, many hosts: rotation changes it for all of them', () => {
  it('rotating to a key the hosts do not accept fails both; rotating back fixes both', async () => {
    const { createIdentity, rotateIdentity, getIdentity } = await import('@/lib/hosts/identities');
    const id = await createIdentity({ name: 'shared', kind: 'key', privateKey: read(fleetClientKeyPath()) });
    const a = await addHost('fleet31', id.id);
    const b = await addHost('fleet32', id.id);
    expect(await whoami(a.id)).toBe('fleet31');
    expect(await whoami(b.id)).toBe('fleet32');
    expect((await getIdentity(id.id)).hostCount).toBe(2);
    await rotateIdentity(id.id, { kind: 'key', privateKey: read(path.join(clientDir(), 'id_ed25519_agent')) });
    for (const h of [a, b]) expect((await expectAppError(whoami(h.id), 'auth_failed')).message).toContain(h.name);
    const back = await rotateIdentity(id.id, { kind: 'key', privateKey: read(fleetClientKeyPath()) });
    expect(back.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-f', `${fleetClientKeyPath()}.pub`], { encoding: 'utf8' }).split(' ')[1]);
    expect(await whoami(a.id)).toBe('fleet31');
    expect(await whoami(b.id)).toBe('fleet32');
  });

  it('a host created with its own private key gets an identity of its own (the API before identities)', async () => {
    const { hostId } = await registerFleetHost('fleet33');
    const { getHost } = await import('@/lib/hosts/service');
    const h = await getHost(hostId);
    expect(h.identity?.name).toBe(`host-${h.name}`);
    expect(await whoami(hostId)).toBe('fleet33');
  });
});

describe('jump hosts (fleet45 bastion -> fleet49)', () => {
  let keyId: string;
  let bastionId: string;
  let innerId: string;

  beforeAll(async () => {
    const { createIdentity } = await import('@/lib/hosts/identities');
    keyId = (await createIdentity({ name: 'fleet-key', kind: 'key', privateKey: read(fleetClientKeyPath()) })).id;
    bastionId = (await addHost('fleet45', keyId)).id;
  });

  it('scans the key of the host behind the bastion through the bastion, then checks it (preflight) through it', async () => {
    const { checkHost } = await import('@/lib/hosts/service');
    innerId = (await addHost('fleet49', keyId, { jumpHostIds: [bastionId] })).id;
    expect(await whoami(innerId)).toBe('fleet49');
    const checked = await checkHost(innerId);
    expect(checked.capabilities?.bpftraceVersion).toBe(fleetHost('fleet49').bpftraceVersion);
    expect(checked.capabilities?.sudoOk).toBe(true);
  });

  it('runs a real profile through the bastion and finds the busy loop', async () => {
    const { startRun, waitForRun, getRunResult, getRawOutput } = await import('@/lib/runs/service');
    const busy = startBusyLoop(20);
    try {
      const run = await startRun({ hostId: innerId, toolId: 'profile', durationSec: 10 }, 'it');
      const done = await waitForRun(run.id, 90_000);
      expect(done.status, done.errorMessage ?? '').toBe('completed');
      const result = (await getRunResult(run.id)) as { processes: Array<{ pid: number; samples: number }> };
      expect(result.processes.find((p) => p.pid === busy.pid)?.samples ?? 0).toBeGreaterThan(100);
      expect(zlib.gunzipSync((await getRawOutput(run.id))!).toString('utf8')).toContain('attached_probes');
    } finally {
      busy.kill('SIGKILL');
    }
  }, 120_000);

  it('a bastion that refuses forwarding: the error names that hop', async () => {
    const { getHostRow } = await import('@/lib/hosts/service');
    const noFwd = await addHost('fleet46', keyId);
    const f49 = fleetHost('fleet49');
    const { createHost } = await import('@/lib/hosts/service');
    const h = await createHost({ name: 'behind-nofwd', address: f49.address, port: f49.port, username: f49.user, identityId: keyId, jumpHostIds: [noFwd.id] });
    // pin fleet49's real key by hand: the scan itself would be refused the same way
    const { db } = await import('@/lib/db/client');
    const inner = await getHostRow(innerId);
    await db().host.update({
      where: { id: h.id },
      data: { hostKeyBlob: inner.hostKeyBlob, hostKeyFingerprint: inner.hostKeyFingerprint, hostKeyAlgo: inner.hostKeyAlgo, hostKeyPinnedAt: new Date() },
    });
    const t0 = Date.now();
    const e = await expectAppError(whoami(h.id), 'forwarding_refused');
    expect(e.message).toContain(`jump host ${noFwd.name} (127.0.0.46:${f49.port}) refused to forward a connection to behind-nofwd`);
    expect(e.details?.hop).toBe(noFwd.name);
    expect(Date.now() - t0).toBeLessThan(5000); // fails fast, not at a timeout
    const { scanHostKey } = await import('@/lib/hosts/service');
    expect((await expectAppError(scanHostKey(h.id), 'forwarding_refused')).message).toContain(noFwd.name);
  });

  it('a changed key of the bastion refuses the connection, naming the bastion and both fingerprints', async () => {
    const { getHostRow } = await import('@/lib/hosts/service');
    const { db } = await import('@/lib/db/client');
    const bastion = await getHostRow(bastionId);
    const other = (await import('@/lib/ssh/hostkey')).hostKeyFromPublicKeyLine(readHostPublicKey(fleetHost('fleet11')));
    await db().host.update({ where: { id: bastionId }, data: { hostKeyBlob: other.blobBase64, hostKeyFingerprint: other.fingerprint } });
    try {
      const e = await expectAppError(whoami(innerId), 'host_key_mismatch');
      expect(e.message).toContain(`host key of jump host ${bastion.name} (10.249.8.2:`);
      expect(e.message).toContain(`pinned ${other.fingerprint}`);
      expect(e.message).toContain(`offered ${bastion.hostKeyFingerprint}`);
      expect(e.details?.hop).toBe(bastion.name);
    } finally {
      await db().host.update({ where: { id: bastionId }, data: { hostKeyBlob: bastion.hostKeyBlob, hostKeyFingerprint: bastion.hostKeyFingerprint } });
    }
    expect(await whoami(innerId)).toBe('fleet49');
  });

  it('a jump host without a pinned key refuses before connecting, naming it', async () => {
    const { createHost } = await import('@/lib/hosts/service');
    const f45 = fleetHost('fleet45');
    const unpinned = await createHost({ name: 'bastion-unpinned', address: f45.address, port: f45.port, username: f45.user, identityId: keyId });
    const f49 = fleetHost('fleet49');
    const h = await createHost({
      name: 'behind-unpinned',
      address: f49.address,
      port: f49.port,
      username: f49.user,
      identityId: keyId,
      jumpHostIds: [unpinned.id],
    });
    const { scanHostKey } = await import('@/lib/hosts/service');
    const e = await expectAppError(scanHostKey(h.id), 'host_key_unknown');
    expect(e.message).toBe('the host key of jump host bastion-unpinned is not pinned yet: check and accept its fingerprint first');
  });

  it('the bastion gives no shell (ForceCommand), so a run on the bastion itself fails with its own reason', async () => {
    const { getHostRow, withConnection } = await import('@/lib/hosts/service');
    const { execCollect } = await import('@/lib/ssh/exec');
    const r = await withConnection(await getHostRow(bastionId), (c) => execCollect(c, 'id -un', { timeoutMs: 20_000 }));
    expect(r.stdout).not.toContain('fleet45');
    expect(r.code).not.toBe(0);
  });
});

describe('unreachable and misconfigured hosts fail fast with their own reason', () => {
  it('nothing listening: refused at once; wrong user: authentication refused, naming the host', async () => {
    const { createIdentity } = await import('@/lib/hosts/identities');
    const { createHost } = await import('@/lib/hosts/service');
    const { db } = await import('@/lib/db/client');
    const id = await createIdentity({ name: 'fast-fail', kind: 'key', privateKey: read(fleetClientKeyPath()) });
    const f = fleetHost('fleet34');
    const good = await addHost('fleet34', id.id);
    const row = await db().host.findUniqueOrThrow({ where: { id: good.id } });
    const pin = { hostKeyBlob: row.hostKeyBlob, hostKeyFingerprint: row.hostKeyFingerprint, hostKeyAlgo: row.hostKeyAlgo, hostKeyPinnedAt: new Date() };
    const dead = await createHost({ name: 'dead', address: '127.0.0.99', port: f.port, username: f.user, identityId: id.id });
    await db().host.update({ where: { id: dead.id }, data: pin });
    const wrongUser = await createHost({ name: 'wrong-user', address: f.address, port: f.port, username: 'nobody-here', identityId: id.id });
    await db().host.update({ where: { id: wrongUser.id }, data: pin });
    const t0 = Date.now();
    const [e1, e2, ok] = await Promise.all([
      expectAppError(whoami(dead.id), 'unreachable'),
      expectAppError(whoami(wrongUser.id), 'auth_failed'),
      whoami(good.id),
    ]);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(e1.message).toBe(`dead (127.0.0.99:${f.port}) refused the connection (is sshd listening on that port?)`);
    expect(e2.message).toContain(`SSH login to wrong-user (${f.address}:${f.port}) was refused`);
    expect(ok).toBe('fleet34');
  });
});
