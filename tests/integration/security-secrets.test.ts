/**
 * SSH private keys: encrypted at rest, never in an API response, a page, the server's log, an error
 * message or a client bundle; and the key that encrypts them can be rotated
 * (scripts/rotate-secret-key.ts) without losing one.
 *
 * Searched for: the body lines of the fleet's client key (/var/tmp/bpfdeck-fleet/fleet/client/id_ed25519)
 * and of a key made for this test, in OpenSSH and PKCS#8 form.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetHost } from './fleet';
import { findFragments, freePort, keyFragments, ROOT, Server, startServer, type Who } from './security-server';
import { generateTestKey } from '@/tests/helpers/ssh-keys';
import { databaseContents } from './pg';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

let s: Server;
let admin: Who;
let fleetKey: string;
let testKey: string;
let fragments: string[];
let fleetHostId: string;
let testHostId: string;
let encKey: string;
let encPassphrase: string;
let identityId: string;

beforeAll(async () => {
  fleetKey = fs.readFileSync(fleetClientKeyPath(), 'utf8');
  testKey = generateTestKey({ comment: 'bpfdeck-secret-test' }).private;
  encKey = fs.readFileSync(path.join(path.dirname(fleetClientKeyPath()), 'id_ed25519_enc'), 'utf8');
  encPassphrase = fs.readFileSync(path.join(path.dirname(fleetClientKeyPath()), 'id_ed25519_enc.passphrase'), 'utf8').trim();
  fragments = [...keyFragments(fleetKey), ...keyFragments(testKey), ...keyFragments(encKey), encPassphrase];
  expect(fragments.length).toBeGreaterThan(6);
  s = await startServer('secrets');
  admin = await s.setupAdmin();
});
afterAll(async () => {
  await s?.stop();
});

describe('private keys never leave the server', () => {
  it('adding, using, changing and failing hosts', async () => {
    const f = fleetHost('fleet11');
    let r = await s.req('POST', '/api/hosts', {
      who: admin,
      body: { name: 'sec-f11', address: f.address, port: f.port, username: f.user, privateKey: fleetKey },
    });
    expect(r.status, r.text).toBe(200);
    fleetHostId = r.json.host.id;
    expect(Object.keys(r.json.host)).not.toContain('privateKeyEnc');
    r = await s.req('POST', `/api/hosts/${fleetHostId}/hostkey/scan`, { who: admin });
    r = await s.req('POST', `/api/hosts/${fleetHostId}/hostkey/accept`, { who: admin, body: { fingerprint: r.json.hostKey.fingerprint } });
    expect(r.status, r.text).toBe(200);
    r = await s.req('POST', `/api/hosts/${fleetHostId}/check`, { who: admin });
    expect(r.status, r.text).toBe(200); // the key was decrypted and used

    // the test key on a host nobody listens on: decrypted, used, failed; the error says why, not what
    const port = await freePort();
    r = await s.req('POST', '/api/hosts', { who: admin, body: { name: 'sec-test', address: '127.0.0.1', port, username: 'nobody', privateKey: testKey } });
    testHostId = r.json.host.id;
    r = await s.req('POST', `/api/hosts/${testHostId}/hostkey/scan`, { who: admin });
    expect(r.status).toBe(502);
    // replace its key with the fleet key and back
    r = await s.req('PATCH', `/api/hosts/${testHostId}`, { who: admin, body: { privateKey: fleetKey } });
    expect(r.status, r.text).toBe(200);
    r = await s.req('PATCH', `/api/hosts/${testHostId}`, { who: admin, body: { privateKey: testKey } });
    expect(r.status, r.text).toBe(200);
    // a damaged key (half of the real one): refused, and the refusal does not quote it
    const lines = testKey.split('\n');
    const damaged = [...lines.slice(0, 3), lines[lines.length - 2], ''].join('\n');
    r = await s.req('POST', '/api/hosts', { who: admin, body: { name: 'sec-bad', address: '127.0.0.1', port, username: 'x', privateKey: damaged } });
    expect(r.status).toBe(422);
    expect(
      findFragments(
        r.text,
        keyFragments(damaged).filter((x) => x.length >= 16),
      ),
    ).toEqual([]);

    // an identity with a passphrase-protected key (fleet47): used, then refused with a wrong passphrase
    r = await s.req('POST', '/api/identities', { who: admin, body: { kind: 'key', name: 'sec-enc', privateKey: encKey, passphrase: encPassphrase } });
    expect(r.status, r.text).toBe(200);
    identityId = r.json.identity.id;
    expect(Object.keys(r.json.identity).sort()).toEqual([
      'agentSocket',
      'createdAt',
      'encrypted',
      'fingerprint',
      'hostCount',
      'id',
      'kind',
      'name',
      'publicKey',
      'updatedAt',
    ]);
    const f47 = fleetHost('fleet47');
    r = await s.req('POST', '/api/hosts', { who: admin, body: { name: 'sec-f47', address: f47.address, port: f47.port, username: f47.user, identityId } });
    expect(r.status, r.text).toBe(200);
    const h47 = r.json.host.id;
    r = await s.req('POST', `/api/hosts/${h47}/hostkey/scan`, { who: admin });
    r = await s.req('POST', `/api/hosts/${h47}/hostkey/accept`, { who: admin, body: { fingerprint: r.json.hostKey.fingerprint } });
    r = await s.req('POST', `/api/hosts/${h47}/check`, { who: admin });
    expect(r.status, r.text).toBe(200);
    r = await s.req('PATCH', `/api/identities/${identityId}`, { who: admin, body: { kind: 'key', privateKey: encKey, passphrase: `${encPassphrase}x` } });
    expect(r.status).toBe(422);
    expect(r.json.error.message ?? r.text).toContain('wrong passphrase');
  });

  it('no API response or page contains key material', async () => {
    const gets = [
      '/api/hosts',
      `/api/hosts/${fleetHostId}`,
      `/api/hosts/${testHostId}`,
      `/api/hosts/${fleetHostId}/events`,
      '/api/runs',
      '/api/admin/audit?limit=500',
      '/api/admin/users',
      '/api/tokens',
      '/api/auth/session',
      '/api/tools',
      '/api/identities',
      `/api/identities/${identityId}`,
      '/hosts',
      `/hosts/${fleetHostId}`,
      `/hosts/${testHostId}`,
      '/admin/audit',
    ];
    for (const g of gets) {
      const r = await s.req('GET', g, { who: admin });
      expect(r.status, `${g}: ${r.status}`).toBeLessThan(400);
    }
    expect(s.bodies.length).toBeGreaterThan(20);
    const leaks = s.bodies.flatMap((b, i) => findFragments(b, fragments).map((f) => `response ${i}: ${f.slice(0, 20)}…`));
    expect(leaks).toEqual([]);
    // nor the sealed form (what is stored is nobody's business either)
    expect(s.bodies.some((b) => /"v1:[A-Za-z0-9+/]{40,}/.test(b))).toBe(false);
  });

  it('the database holds them encrypted only', () => {
    const contents = databaseContents(s.dataDir, s.databaseUrl); // SQLite's files, or a pg_dump
    expect(contents.length).toBeGreaterThan(0);
    expect(
      contents.some((c) => /v1:[A-Za-z0-9+/]{40,}/.test(c.text)),
      'the sealed keys are in what is searched',
    ).toBe(true);
    for (const c of contents) expect(findFragments(c.text, fragments), c.name).toEqual([]);
  });

  it('the server log has no key material', () => {
    expect(s.log()).toContain('Ready');
    expect(findFragments(s.log(), fragments)).toEqual([]);
  });

  it('no client bundle has key material (nor server-only modules)', () => {
    const files = filesUnder(path.join(ROOT, '.next', 'static')).filter((f) => /\.(js|css|json|txt|html)$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      expect(findFragments(text, fragments), f).toEqual([]);
      expect(text, `${f} contains the secret-encryption code`).not.toContain('aes-256-gcm');
      expect(text, `${f} contains better-auth's server`).not.toContain('BETTER_AUTH_SECRET');
    }
  });
});

describe('rotating the secret key', () => {
  const run = (args: string[], env: Record<string, string> = {}) => {
    const e: NodeJS.ProcessEnv = { ...process.env, BPFDECK_DATA_DIR: s.dataDir, ...env };
    delete e.DATABASE_URL;
    if (s.databaseUrl) Object.assign(e, { DATABASE_URL: s.databaseUrl, BPFDECK_RUN_EXECUTION: 'inprocess' }); // the server's PostgreSQL database
    if (!env.BPFDECK_SECRET_KEY) delete e.BPFDECK_SECRET_KEY;
    return spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'scripts/rotate-secret-key.ts', ...args],
      { cwd: ROOT, env: e, encoding: 'utf8', timeout: 120_000 },
    );
  };
  const keyFile = () => path.join(s.dataDir, 'secret.key');

  it('re-encrypts every stored key with a new generated key; the hosts still work', async () => {
    await s.stop();
    const oldKey = fs.readFileSync(keyFile(), 'utf8');
    const dry = run(['--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('decrypts all 4');
    const r = run([]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/re-encrypted 4 secret/);
    expect(findFragments(r.stdout + r.stderr, fragments)).toEqual([]);
    const newKey = fs.readFileSync(keyFile(), 'utf8');
    expect(newKey).not.toBe(oldKey);
    expect(r.stdout + r.stderr).not.toContain(newKey.trim());
    expect(fs.existsSync(`${keyFile()}.new`)).toBe(false);
    expect(fs.statSync(keyFile()).mode & 0o077).toBe(0);

    await s.start();
    admin = await s.signIn('admin@test.local');
    const check = await s.req('POST', `/api/hosts/${fleetHostId}/check`, { who: admin });
    expect(check.status, check.text).toBe(200);
  });

  it('with the key in BPFDECK_SECRET_KEY: the new key goes to a file, then into the environment', async () => {
    await s.stop();
    const current = fs.readFileSync(keyFile(), 'utf8').trim();
    const refused = run([], { BPFDECK_SECRET_KEY: current });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--new-key-file');
    const newFile = path.join(s.dataDir, 'next.key');
    const r = run(['--new-key-file', newFile], { BPFDECK_SECRET_KEY: current });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const next = fs.readFileSync(newFile, 'utf8').trim();
    // the file key no longer opens anything: a wrong key makes the rotation refuse, changing nothing
    const wrong = run(['--new-key-file', path.join(s.dataDir, 'other.key')], { BPFDECK_SECRET_KEY: current });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/cannot decrypt 4 secret/);

    const s2 = new Server(s.port, s.dataDir, { ...s.env, BPFDECK_SECRET_KEY: next });
    await s2.start();
    try {
      const who = await s2.signIn('admin@test.local');
      const check = await s2.req('POST', `/api/hosts/${fleetHostId}/check`, { who });
      expect(check.status, check.text).toBe(200);
      expect(findFragments(s2.log(), fragments)).toEqual([]);
    } finally {
      await s2.stop();
    }
  });
});
