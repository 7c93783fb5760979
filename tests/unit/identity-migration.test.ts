/**
 * The identities migration (20261202100000_sshfleet) on a real SQLite database that holds hosts made
 * before identities: each host's key moves into an identity of its own, unchanged (still sealed), and
 * the host's legacy column is emptied.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '@/lib/db/migrate';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secrets';

const ALL = path.join(process.cwd(), 'prisma', 'migrations');
const MINE = '20261202100000_sshfleet';

describe('identities migration', () => {
  it('moves every host key into an identity "host-<name>" the host refers to', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-idmig-'));
    const before = path.join(tmp, 'before');
    fs.mkdirSync(before);
    for (const d of fs.readdirSync(ALL)) {
      if (d < MINE && fs.existsSync(path.join(ALL, d, 'migration.sql'))) fs.cpSync(path.join(ALL, d), path.join(before, d), { recursive: true });
    }
    const db = new Database(path.join(tmp, 'db.sqlite'));
    applyMigrations(db, before);
    const key = randomBytes(32);
    const ins = db.prepare(
      `INSERT INTO Host (id, name, address, port, username, privateKeyEnc, createdAt, updatedAt) VALUES (?, ?, '127.0.0.1', 22, 'u', ?, 0, 0)`,
    );
    const sealedA = encryptSecret('KEY-A', key);
    const sealedB = encryptSecret('KEY-B', key);
    ins.run('a'.repeat(22), 'web-1', sealedA);
    ins.run('b'.repeat(22), 'db-1', sealedB);

    const r = applyMigrations(db, ALL);
    expect(r.applied).toContain(MINE);
    const hosts = db.prepare('SELECT name, privateKeyEnc, identityId, jumpHostIds, tagsJson FROM Host ORDER BY name').all() as Array<Record<string, string>>;
    expect(hosts.map((h) => [h.name, h.privateKeyEnc, h.jumpHostIds, h.tagsJson])).toEqual([
      ['db-1', '', '[]', '{}'],
      ['web-1', '', '[]', '{}'],
    ]);
    const ids = db.prepare('SELECT id, name, kind, privateKeyEnc, passphraseEnc FROM SshIdentity ORDER BY name').all() as Array<Record<string, string | null>>;
    expect(ids.map((i) => [i.name, i.kind, i.passphraseEnc])).toEqual([
      ['host-db-1', 'key', null],
      ['host-web-1', 'key', null],
    ]);
    expect(hosts[0].identityId).toBe(ids[0].id);
    expect(decryptSecret(ids[0].privateKeyEnc!, key)).toBe('KEY-B');
    expect(decryptSecret(ids[1].privateKeyEnc!, key)).toBe('KEY-A');
    // an identity in use cannot be deleted from under its host
    expect(() => db.prepare('PRAGMA foreign_keys = ON').run() && db.prepare('DELETE FROM SshIdentity WHERE id = ?').run(ids[0].id)).toThrow(/FOREIGN KEY/);
  });
});
