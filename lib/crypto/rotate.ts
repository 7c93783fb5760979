/**
 * Re-encrypting every stored secret with a new key (scripts/rotate-secret-key.ts). All or nothing:
 * every secret is first decrypted with the current key and re-encrypted and checked with the new one in
 * memory; only then are all rows written, in one transaction, each update guarded by the old value
 * (a row that changed meanwhile aborts the whole transaction); then everything is read back and
 * decrypted again with the new key.
 */
import 'server-only';
import type { SqlRunner } from '@/lib/db/sql';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secrets';

/** Every column that holds a secret sealed by lib/crypto/secrets. Add new ones here. */
export const SECRET_COLUMNS: ReadonlyArray<{ table: string; id: string; column: string }> = [
  // legacy: emptied ('') by the identities migration; kept for databases that predate it
  { table: 'Host', id: 'id', column: 'privateKeyEnc' },
  { table: 'SshIdentity', id: 'id', column: 'privateKeyEnc' },
  { table: 'SshIdentity', id: 'id', column: 'passphraseEnc' },
];

export interface RotationResult {
  rotated: number;
  byColumn: Record<string, number>;
}

export class RotationError extends Error {}

/** On either database: `db` is a lib/db/sql runner (openSqlRunner, or sqliteRunner on a handle). */
export async function rotateSecrets(db: SqlRunner, oldKey: Buffer, newKey: Buffer): Promise<RotationResult> {
  if (oldKey.equals(newKey)) throw new RotationError('the new key is the same as the current one');
  type Row = { table: string; id: string; column: string; idValue: string; sealed: string; resealed: string };
  const rows: Row[] = [];
  const unreadable: string[] = [];
  for (const c of SECRET_COLUMNS) {
    const all = await db.all<{ idValue: string; sealed: string }>(
      `SELECT "${c.id}" AS "idValue", "${c.column}" AS sealed FROM "${c.table}" WHERE "${c.column}" IS NOT NULL AND "${c.column}" <> ''`,
    );
    for (const r of all) {
      let plain: string;
      try {
        plain = decryptSecret(r.sealed, oldKey);
      } catch {
        unreadable.push(`${c.table}.${c.column} ${c.id}=${r.idValue}`);
        continue;
      }
      const resealed = encryptSecret(plain, newKey);
      if (decryptSecret(resealed, newKey) !== plain) throw new RotationError(`re-encryption check failed for ${c.table} ${r.idValue}`);
      rows.push({ ...c, idValue: r.idValue, sealed: r.sealed, resealed });
    }
  }
  if (unreadable.length) {
    throw new RotationError(
      `the current key cannot decrypt ${unreadable.length} secret(s), so nothing was changed: ${unreadable.slice(0, 10).join(', ')}${unreadable.length > 10 ? ', …' : ''}`,
    );
  }
  await db.transaction(async (tx) => {
    for (const r of rows) {
      const changed = await tx.run(`UPDATE "${r.table}" SET "${r.column}" = ? WHERE "${r.id}" = ? AND "${r.column}" = ?`, [r.resealed, r.idValue, r.sealed]);
      if (changed !== 1) throw new RotationError(`${r.table} ${r.idValue} changed during the rotation; nothing was changed (stop bpfdeck first)`);
    }
  });
  // Read back: everything must open with the new key now.
  for (const c of SECRET_COLUMNS) {
    const all = await db.all<{ idValue: string; sealed: string }>(
      `SELECT "${c.id}" AS "idValue", "${c.column}" AS sealed FROM "${c.table}" WHERE "${c.column}" IS NOT NULL AND "${c.column}" <> ''`,
    );
    for (const r of all) decryptSecret(r.sealed, newKey);
  }
  const byColumn: Record<string, number> = {};
  for (const r of rows) byColumn[`${r.table}.${r.column}`] = (byColumn[`${r.table}.${r.column}`] ?? 0) + 1;
  return { rotated: rows.length, byColumn };
}
