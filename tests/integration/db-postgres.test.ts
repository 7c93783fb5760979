/**
 * PostgreSQL mode's database layer on a real PostgreSQL 15 server (tests/integration/pg.ts):
 * migrations (once, concurrently, refused when edited), the schema check, the append-only audit log,
 * CHECK constraints on closed sets of values,
 * the pool's explicit acquire timeout, and secret-key rotation through lib/db/sql.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPgDatabase } from './pg';
import { applyPgMigrations, defaultMigrationsDir } from '@/lib/db/migrate';
import { pgPoolConfig, preparePgDatabase } from '@/lib/db/client';
import { databaseConfig, type DatabaseConfig } from '@/lib/db/url';
import { pgRunner } from '@/lib/db/sql';
import { rotateSecrets, RotationError } from '@/lib/crypto/rotate';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secrets';

type PgConfig = Extract<DatabaseConfig, { kind: 'postgres' }>;
const POOL = { poolMax: 4, connectTimeoutMs: 1500, idleTimeoutMs: 10_000, statementTimeoutMs: 10_000 };
const pgConfig = (url: string, pool = POOL) => databaseConfig(url, '/nonexistent', pool) as PgConfig;

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

describe('PostgreSQL database layer', () => {
  let url: string;
  let client: pg.Client;
  beforeAll(async () => {
    url = freshPgDatabase('dblayer');
    await preparePgDatabase(pgConfig(url));
    client = await connect(url);
  });
  afterAll(async () => client?.end());

  it('applies every migration once, in a table Prisma knows, and again applies nothing', async () => {
    const names = fs
      .readdirSync(defaultMigrationsDir('postgres'))
      .filter((n) => /^\d+_/.test(n))
      .sort();
    const rows = (await client.query('SELECT migration_name, applied_steps_count, finished_at FROM _prisma_migrations ORDER BY migration_name')).rows;
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.applied_steps_count === 1 && r.finished_at instanceof Date)).toBe(true);
    expect(await applyPgMigrations(client)).toEqual({ applied: [], alreadyApplied: names.length });
    // DateTime columns are timestamptz, the point of a PostgreSQL schema of its own
    const t = await client.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'Run' AND column_name = 'createdAt'`);
    expect(t.rows[0].data_type).toBe('timestamp with time zone');
  });

  it('applies migrations once when several processes start together (advisory lock)', async () => {
    const fresh = freshPgDatabase('dbconcurrent');
    await Promise.all([1, 2, 3].map(() => preparePgDatabase(pgConfig(fresh))));
    const c = await connect(fresh);
    try {
      const n = (await c.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n;
      expect(n).toBe(fs.readdirSync(defaultMigrationsDir('postgres')).filter((x) => /^\d+_/.test(x)).length);
    } finally {
      await c.end();
    }
  });

  it('refuses an applied migration whose file changed, and a database missing a column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-pgmig-'));
    fs.cpSync(defaultMigrationsDir('postgres'), dir, { recursive: true });
    const first = fs.readdirSync(dir).sort()[0];
    fs.appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited\n');
    await expect(applyPgMigrations(client, dir)).rejects.toThrow(`migration ${first} was changed after it was applied`);

    const broken = freshPgDatabase('dbbroken');
    await preparePgDatabase(pgConfig(broken));
    const c = await connect(broken);
    await c.query('ALTER TABLE "Run" DROP COLUMN "lostEvents"');
    await c.end();
    await expect(preparePgDatabase(pgConfig(broken))).rejects.toThrow(/column Run\.lostEvents is missing/);
  });

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await client.query(`INSERT INTO "AuditEvent" (actor, via, action, outcome) VALUES ('t', 'system', 'test.x', 'ok')`);
    await expect(client.query(`UPDATE "AuditEvent" SET actor = 'someone else'`)).rejects.toThrow('AuditEvent is append-only: rows cannot be updated');
    await expect(client.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow('AuditEvent is append-only: rows cannot be deleted');
    await expect(client.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow('AuditEvent is append-only: rows cannot be truncated');
    expect((await client.query(`SELECT count(*)::int AS n FROM "AuditEvent"`)).rows[0].n).toBe(1);
  });

  it('refuses values outside the closed sets (CHECK constraints on statuses, roles and outcomes)', async () => {
    await client.query(`INSERT INTO "Host" (id, name, address, username, "updatedAt") VALUES ('chk-h', 'chk-h', '127.0.0.1', 'u', now())`);
    const run = (status: string) =>
      client.query(
        `INSERT INTO "Run" (id, "hostId", "toolId", "variantId", "scriptSha256", "durationSec", status, "requestedBy") VALUES ($1, 'chk-h', 'profile', 'profile', '', 10, $2, 't')`,
        [`chk-${status}`, status],
      );
    await run('queued');
    await expect(run('stuck')).rejects.toThrow(/violates check constraint "Run_status_check"/);
    await expect(client.query(`INSERT INTO "User" (id, name, email, role, "updatedAt") VALUES ('chk-u', 'u', 'u@x', 'root', now())`)).rejects.toThrow(
      /violates check constraint "User_role_check"/,
    );
    await expect(client.query(`INSERT INTO "AuditEvent" (actor, via, action, outcome) VALUES ('t', 'system', 'test.x', 'maybe')`)).rejects.toThrow(
      /violates check constraint "AuditEvent_outcome_check"/,
    );
    await client.query(`DELETE FROM "Host" WHERE id = 'chk-h'`);
  });

  it('a pool with every connection busy fails the next query after the acquire timeout, not never', async () => {
    const pool = new pg.Pool(pgPoolConfig(pgConfig(url, { ...POOL, poolMax: 1, connectTimeoutMs: 700 })));
    try {
      const held = await pool.connect();
      const t0 = Date.now();
      const err = await pool.query('SELECT 1').then(
        () => null,
        (e: Error) => e,
      );
      const waitedMs = Date.now() - t0;
      held.release();
      expect(err?.message).toMatch(/timeout/i);
      expect(waitedMs).toBeGreaterThanOrEqual(600); // it waited for a connection first
      expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1); // and the pool still works
    } finally {
      await pool.end();
    }
  });

  it('rotates secrets on PostgreSQL all or nothing (lib/db/sql runner)', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const add = (id: string, sealed: string) =>
      client.query(`INSERT INTO "Host" (id, name, address, username, "privateKeyEnc", "updatedAt") VALUES ($1, $1, '127.0.0.1', 'u', $2, now())`, [id, sealed]);
    const sealedOf = async (id: string) => (await client.query(`SELECT "privateKeyEnc" AS s FROM "Host" WHERE id = $1`, [id])).rows[0].s as string;
    await add('rot-a', encryptSecret('KEY-A', oldKey));
    await add('rot-bad', encryptSecret('KEY-X', randomBytes(32)));
    const runner = pgRunner(await connect(url));
    try {
      const before = await sealedOf('rot-a');
      await expect(rotateSecrets(runner, oldKey, newKey)).rejects.toThrow(RotationError);
      expect(await sealedOf('rot-a')).toBe(before);
      await client.query(`DELETE FROM "Host" WHERE id = 'rot-bad'`);
      expect(await rotateSecrets(runner, oldKey, newKey)).toEqual({ rotated: 1, byColumn: { 'Host.privateKeyEnc': 1 } });
      expect(decryptSecret(await sealedOf('rot-a'), newKey)).toBe('KEY-A');
    } finally {
      await runner.close();
    }
  });
});

describe('bpfdeck on PostgreSQL through db() (the app path)', () => {
  beforeAll(() => {
    process.env.BPFDECK_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-it-pgapp-'));
    process.env.DATABASE_URL = freshPgDatabase('pgapp');
  });

  it('better-auth (provider postgresql) creates an account and signs in; a wrong password is refused', async () => {
    const { createUser, listUsers } = await import('@/lib/auth/users');
    const { signInWithPassword } = await import('@/lib/auth/session');
    const { db } = await import('@/lib/db/client');
    const u = await createUser({ email: 'pg-admin@example.com', name: 'PG Admin', password: 'correct horse battery', role: 'admin' });
    expect(u.role).toBe('admin');
    expect((await listUsers()).map((x) => x.email)).toEqual(['pg-admin@example.com']);
    const ok = await signInWithPassword({ email: 'pg-admin@example.com', password: 'correct horse battery' }, { ip: '127.0.0.1', userAgent: null });
    expect(ok).toBeTruthy();
    expect(await db().session.count()).toBe(1);
    await expect(
      signInWithPassword({ email: 'pg-admin@example.com', password: 'wrong password here' }, { ip: '127.0.0.1', userAgent: null }),
    ).rejects.toThrow();
    expect(await db().session.count()).toBe(1);
  });
});
