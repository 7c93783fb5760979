/**
 * Bulk host-key review (lib/hosts/key-review.ts) on real sshds: hosts imported from the fleet's
 * ssh_config, their keys scanned (the host behind the bastion through the bastion), compared with a
 * known_hosts file hashed by the real `ssh-keygen -H`, and only the keys it vouches for pinned.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetHost, fleetPaths, readHostPublicKey } from './fleet';
import { useTempDataDir } from './helpers';

let tmp: string;
beforeAll(() => {
  useTempDataDir('keyreview');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-it-kh-'));
});

/** ssh-keygen -H: hash every name of a known_hosts file (the real tool, as an admin would) */
function hashed(text: string): string {
  const f = path.join(tmp, `kh-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(f, text);
  execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
  const out = fs.readFileSync(f, 'utf8');
  expect(out).toMatch(/^\|1\|/m);
  return out;
}

describe('known_hosts parsing', () => {
  it('matches plain, hashed and [host]:port entries, and keeps @revoked apart', async () => {
    const { parseKnownHosts, knownKeysFor } = await import('@/lib/hosts/key-review');
    const key = readHostPublicKey(fleetHost('fleet31'));
    const other = readHostPublicKey(fleetHost('fleet32'));
    const text =
      hashed(`[127.0.0.31]:2222 ${key}\n127.0.0.31 ${other}\n`) + `@revoked 127.0.0.9 ${key}\n@cert-authority *.example ${key}\nweb1,127.0.0.8 ${other}\n`;
    const known = parseKnownHosts(text);
    expect(known).toHaveLength(4); // the cert-authority line is skipped
    const fp = (k: string) => execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: k, encoding: 'utf8' }).split(' ')[1];
    expect(knownKeysFor(known, '127.0.0.31', 2222).map((k) => k.fingerprint)).toEqual([fp(key)]);
    expect(knownKeysFor(known, '127.0.0.31', 22).map((k) => k.fingerprint)).toEqual([fp(other)]);
    expect(knownKeysFor(known, '127.0.0.9', 22)[0].revoked).toBe(true);
    expect(knownKeysFor(known, '127.0.0.8', 22)).toHaveLength(1);
    expect(knownKeysFor(known, '127.0.0.31', 2200)).toHaveLength(0);
  });
});

describe('bulk review of imported fleet hosts', () => {
  it('pins exactly the keys the hashed known_hosts vouches for; the others are only shown', async () => {
    const { createImported } = await import('@/lib/hosts/import');
    const { createIdentity } = await import('@/lib/hosts/identities');
    const { reviewHostKeys } = await import('@/lib/hosts/key-review');
    const { getHostRow } = await import('@/lib/hosts/service');
    const id = await createIdentity({ name: 'review-key', kind: 'key', privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') });
    // the fleet's ssh_config, only some hosts of it
    const wanted = ['fleet31', 'fleet32', 'fleet33', 'fleet34', 'fleet35', 'fleet45', 'fleet49'];
    const cfg = fs
      .readFileSync(fleetPaths().sshConfig, 'utf8')
      .split(/\n(?=Host )/)
      .filter((b) => wanted.includes(b.split(/\s+/)[1]))
      .join('\n');
    const hosts = await createImported({ format: 'ssh_config', text: cfg, defaultIdentityId: id.id });
    expect(hosts.map((h) => h.name).sort()).toEqual(wanted);
    // known_hosts: the fleet's own file, minus fleet33, with fleet34's key swapped for fleet11's and
    // fleet35's key revoked; then hashed
    const lines = fs.readFileSync(fleetPaths().knownHosts, 'utf8').split('\n').filter(Boolean);
    const ip = (n: string) => fleetHost(n).address;
    const kh = lines
      .filter((l) => l.split(' ')[0] !== ip('fleet33'))
      .map((l) => (l.split(' ')[0] === ip('fleet34') ? `${ip('fleet34')} ${readHostPublicKey(fleetHost('fleet11'))}` : l));
    const text = hashed(kh.join('\n') + '\n') + `@revoked ${ip('fleet35')} ${readHostPublicKey(fleetHost('fleet35'))}\n`;

    const rows = await reviewHostKeys({ knownHosts: text, pinMatching: true, parallel: 4 });
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(Object.fromEntries(rows.map((r) => [r.name, [r.status, r.pinned]]))).toEqual({
      fleet31: ['matches_known_hosts', true],
      fleet32: ['matches_known_hosts', true],
      fleet33: ['not_in_known_hosts', false],
      fleet34: ['differs_from_known_hosts', false],
      fleet35: ['revoked', false],
      fleet45: ['matches_known_hosts', true],
      fleet49: ['matches_known_hosts', true], // scanned through fleet45 after the first wave pinned fleet45
    });
    for (const r of rows) {
      const keygen = execFileSync('ssh-keygen', ['-l', '-f', fleetHost(r.name).hostKeyPath], { encoding: 'utf8' }).split(' ')[1];
      expect(r.fingerprint, r.name).toBe(keygen);
      expect((await getHostRow(r.hostId)).hostKeyFingerprint, r.name).toBe(r.pinned ? keygen : null);
    }
    expect(by.fleet34.knownFingerprints).toEqual([
      execFileSync('ssh-keygen', ['-l', '-f', fleetHost('fleet11').hostKeyPath], { encoding: 'utf8' }).split(' ')[1],
    ]);

    // without pinMatching nothing is pinned; a second review shows the pinned ones as such
    const again = await reviewHostKeys({ hostIds: rows.map((r) => r.hostId), knownHosts: text });
    expect(
      again
        .filter((r) => r.status === 'already_pinned')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['fleet31', 'fleet32', 'fleet45', 'fleet49']);
    expect(again.some((r) => r.pinned)).toBe(false);
  });

  it('an unreachable host fails in its own row; the others are reviewed', async () => {
    const { createHost } = await import('@/lib/hosts/service');
    const { createIdentity } = await import('@/lib/hosts/identities');
    const { reviewHostKeys } = await import('@/lib/hosts/key-review');
    const id = await createIdentity({ name: 'review-key-2', kind: 'key', privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') });
    const dead = await createHost({ name: 'review-dead', address: '127.0.0.98', port: 22, username: 'x', identityId: id.id });
    const f = fleetHost('fleet36');
    const ok = await createHost({ name: 'review-36', address: f.address, port: f.port, username: f.user, identityId: id.id });
    const rows = await reviewHostKeys({ hostIds: [dead.id, ok.id] });
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ['review-dead', 'scan_failed'],
      ['review-36', 'not_in_known_hosts'],
    ]);
    expect(rows[0].error).toContain('127.0.0.98:22 refused the connection');
  });
});
