/**
 * Bulk import (lib/hosts/import.ts): an ssh_config resolved like `ssh -G` (compared with the real ssh
 * client's output for every host), the fleet's own generated ssh_config, plain lists, and the bad inputs
 * each named plainly. `ssh -G` only prints the resolved configuration: it connects nowhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetClientKeyPath, fleetPaths, loadFleet } from './fleet';
import { useTempDataDir } from './helpers';

beforeAll(() => {
  useTempDataDir('import');
});

const CONFIG = `# wildcard blocks before and after, Host * defaults last: first obtained value wins
Host web-*
  User web
  IdentityFile ~/.ssh/web_key
Host web-1 web-2 db-1
  HostName 10.0.0.1
  ProxyJump bast
Host web-2
  HostName 10.0.0.2
  Port 2201
Host db-*
  Port 5432
  User dbadmin
Host bast
  HostName 10.0.0.9
  Port 2200
  ProxyJump none
Host !web-1 *-1
  User notweb
Host *
  Port 2222
  User fallback
  IdentityFile ~/.ssh/default_key
`;

function sshG(file: string, alias: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', file, alias], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(' ');
    const k = line.slice(0, i);
    if (!(k in r)) r[k] = line.slice(i + 1); // first identityfile is the one tried first
  }
  return r;
}

describe('ssh_config import', () => {
  it('resolves every host exactly as ssh -G does (HostName, Port, User, first IdentityFile, ProxyJump)', async () => {
    const { parseSshConfig } = await import('@/lib/hosts/import');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-it-sshcfg-')), 'config');
    fs.writeFileSync(file, CONFIG);
    const entries = parseSshConfig(CONFIG);
    expect(entries.map((e) => e.name)).toEqual(['web-1', 'web-2', 'db-1', 'bast']);
    for (const e of entries) {
      const g = sshG(file, e.name);
      expect({
        host: e.name,
        hostname: e.address,
        port: String(e.port),
        user: e.username,
        identityfile: e.identityFile,
        proxyjump: e.jump.join(',') || undefined,
      }).toEqual({
        host: e.name,
        hostname: g.hostname,
        port: g.port,
        user: g.user,
        identityfile: g.identityfile,
        proxyjump: g.proxyjump === 'none' ? undefined : g.proxyjump,
      });
    }
    // the values that show the rules at work (and that ssh -G agreed with above)
    expect(entries.find((e) => e.name === 'db-1')).toMatchObject({ port: 5432, username: 'dbadmin', identityFile: '~/.ssh/default_key' });
    expect(entries.find((e) => e.name === 'web-2')).toMatchObject({ address: '10.0.0.1', port: 2201, username: 'web' });
  });

  it('imports the fleet generated ssh_config: every host with its address, user, key and ProxyJump', async () => {
    const { previewImport } = await import('@/lib/hosts/import');
    const p = await previewImport({ format: 'ssh_config', text: fs.readFileSync(fleetPaths().sshConfig, 'utf8') });
    const fleet = loadFleet();
    expect(p.entries.map((e) => e.name).sort()).toEqual(fleet.map((f) => f.name).sort());
    for (const f of fleet) {
      const e = p.entries.find((x) => x.name === f.name)!;
      expect([e.address, e.port, e.username, e.identityFile, e.jump]).toEqual([f.address, f.port, f.user, f.identityFile, f.via ? [f.via] : []]);
    }
    expect(p.identityFiles).toContain(fleetClientKeyPath());
  });

  it.each([
    ['Include', 'Host a\n  HostName 1.2.3.4\n  User u\nInclude ~/.ssh/more\n', 'Include is not supported (in Host a)'],
    ['Match', 'Match host a exec "true"\n  User u\n', 'Match is not supported (Match host a exec true)'],
    ['%h token', 'Host a\n  HostName %h.example.com\n  User u\n', 'the token %h in HostName %h.example.com (in Host a) is not supported'],
    ['%r token', 'Host a\n  User u\n  IdentityFile ~/.ssh/%r\n', 'the token %r in IdentityFile'],
    ['no User', 'Host a\n  HostName 1.2.3.4\n', 'Host a: no User'],
    ['ProxyJump as user@host', 'Host a\n  User u\n  ProxyJump j@1.2.3.4:22\n', 'ProxyJump j@1.2.3.4:22: give jump hosts as Host aliases'],
    ['unknown ProxyJump', 'Host a\n  User u\n  ProxyJump nowhere\n', 'a: ProxyJump nowhere is neither a host of this import nor an existing host'],
    [
      'duplicate endpoints',
      'Host a\n  HostName 1.2.3.4\n  User u\nHost b\n  HostName 1.2.3.4\n  User u\n',
      'duplicate hosts in the import: a and b are both u@1.2.3.4:22',
    ],
  ])('%s: refused, saying which', async (_label, text, msg) => {
    const { previewImport } = await import('@/lib/hosts/import');
    const e = await previewImport({ format: 'ssh_config', text }).then(
      () => null,
      (x: Error) => x,
    );
    expect(e?.message).toContain(msg);
  });
});

describe('plain list import', () => {
  it('reads user@host:port lines, names duplicates, and creates hosts (no key pinned) with the mapped identity', async () => {
    const { previewImport, createImported } = await import('@/lib/hosts/import');
    const { createIdentity } = await import('@/lib/hosts/identities');
    const p = await previewImport({ format: 'list', text: '# fleet\nfleet31@127.0.0.31\nfleet32@127.0.0.32:22  # a comment\nx@10.0.0.5:2222\n' });
    expect(p.entries.map((e) => [e.name, e.username, e.address, e.port])).toEqual([
      ['127.0.0.31', 'fleet31', '127.0.0.31', 22],
      ['127.0.0.32', 'fleet32', '127.0.0.32', 22],
      ['10.0.0.5-2222', 'x', '10.0.0.5', 2222],
    ]);
    await expect(previewImport({ format: 'list', text: 'a@h1\nb@h1\nb@h1\n' })).rejects.toThrow(
      'duplicate hosts in the import: b@h1:22 appears more than once',
    );
    await expect(previewImport({ format: 'list', text: 'a@h1\nb@h1\n' })).rejects.toThrow('duplicate hosts in the import: h1 appear more than once');
    await expect(previewImport({ format: 'list', text: 'a@h1\nnot a host line\n' })).rejects.toThrow('line 2: "not a host line" is not user@host');
    await expect(createImported({ format: 'list', text: 'fleet31@127.0.0.31\n' })).rejects.toThrow('no SSH identity');
    const id = await createIdentity({ name: 'import-key', kind: 'key', privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') });
    const hosts = await createImported({ format: 'list', text: 'fleet31@127.0.0.31\nfleet32@127.0.0.32\n', defaultIdentityId: id.id, tags: { role: 'web' } });
    expect(hosts.map((h) => [h.name, h.identity?.name, h.hostKey, h.tags])).toEqual([
      ['127.0.0.31', 'import-key', null, { role: 'web' }],
      ['127.0.0.32', 'import-key', null, { role: 'web' }],
    ]);
    await expect(previewImport({ format: 'list', text: 'fleet31@127.0.0.31\n' })).rejects.toThrow('exist already: 127.0.0.31');
  });

  it('creates an imported bastion before the host behind it and links them', async () => {
    const { createImported } = await import('@/lib/hosts/import');
    const { createIdentity } = await import('@/lib/hosts/identities');
    const id = await createIdentity({ name: 'import-key-2', kind: 'key', privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') });
    const text =
      'Host inner\n  HostName 10.249.7.2\n  User fleet49\n  IdentityFile ~/k\n  ProxyJump outer\nHost outer\n  HostName 10.249.8.2\n  User fleet45\n  IdentityFile ~/k\n';
    const hosts = await createImported({ format: 'ssh_config', text, identities: { '~/k': id.id } });
    expect(hosts.map((h) => h.name)).toEqual(['outer', 'inner']);
    expect(hosts[1].jumpHostIds).toEqual([hosts[0].id]);
  });
});
