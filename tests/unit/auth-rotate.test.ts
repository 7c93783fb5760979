/** Secret-key rotation (lib/crypto/rotate.ts): all or nothing, verified, on a real SQLite database. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '@/lib/db/migrate';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secrets';
import { rotateSecrets, RotationError } from '@/lib/crypto/rotate';
import { sqliteRunner } from '@/lib/db/sql';

let db: Database.Database;
const oldKey = randomBytes(32);
const newKey = randomBytes(32);

function addHost(id: string, sealed: string) {
  db.prepare(`INSERT INTO Host (id, name, address, port, username, privateKeyEnc, createdAt, updatedAt) VALUES (?, ?, '127.0.0.1', 22, 'u', ?, 0, 0)`).run(
    id,
    id,
    sealed,
  );
}
const sealedOf = (id: string) => (db.prepare('SELECT privateKeyEnc AS s FROM Host WHERE id = ?').get(id) as { s: string }).s;

beforeEach(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-rotate-'));
  db = new Database(path.join(dir, 'db.sqlite'));
  applyMigrations(db);
});

describe('rotateSecrets', () => {
  it('re-encrypts every secret with the new key; the old key opens none of them afterwards', async () => {
    addHost('a', encryptSecret('KEY-A', oldKey));
    addHost('b', encryptSecret('KEY-B', oldKey));
    const r = await rotateSecrets(sqliteRunner(db), oldKey, newKey);
    expect(r).toEqual({ rotated: 2, byColumn: { 'Host.privateKeyEnc': 2 } });
    expect(decryptSecret(sealedOf('a'), newKey)).toBe('KEY-A');
    expect(decryptSecret(sealedOf('b'), newKey)).toBe('KEY-B');
    expect(() => decryptSecret(sealedOf('a'), oldKey)).toThrow();
  });

  it('changes nothing when one secret cannot be decrypted with the current key', async () => {
    addHost('good', encryptSecret('KEY', oldKey));
    addHost('bad', encryptSecret('KEY', randomBytes(32)));
    const before = [sealedOf('good'), sealedOf('bad')];
    await expect(rotateSecrets(sqliteRunner(db), oldKey, newKey)).rejects.toThrow(RotationError);
    expect([sealedOf('good'), sealedOf('bad')]).toEqual(before);
  });

  it('refuses the same key, and works on an empty inventory', async () => {
    await expect(rotateSecrets(sqliteRunner(db), oldKey, oldKey)).rejects.toThrow(/same/);
    expect((await rotateSecrets(sqliteRunner(db), oldKey, newKey)).rotated).toBe(0);
  });
});
