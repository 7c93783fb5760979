/**
 * Applies prisma/migrations/<name>/migration.sql files in name order, recording them in Prisma's own
 * `_prisma_migrations` table (same columns and sha256 checksums as `prisma migrate deploy`), so a
 * machine that has Prisma's schema engine can take over with the real tool. We cannot use the engine
 * here: Prisma downloads it at run time and this network reaches only package registries.
 *
 * Refuses to start when an applied migration's file changed (checksum mismatch): editing history
 * silently would leave databases that differ from the schema.
 *
 * Two databases, two folders of SQL, one procedure: prisma/migrations (SQLite, applied through a
 * better-sqlite3 handle) and prisma/postgres/migrations (PostgreSQL, through a pg client, under an
 * advisory lock so web instances and workers starting together apply each migration once).
 */
import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Client as PgClient } from 'pg';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export function defaultMigrationsDir(kind: 'sqlite' | 'postgres' = 'sqlite'): string {
  return kind === 'sqlite' ? path.join(process.cwd(), 'prisma', 'migrations') : path.join(process.cwd(), 'prisma', 'postgres', 'migrations');
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** The migrations still to apply, in order; throws when an applied one's file has changed. */
export function pendingMigrations(files: MigrationFile[], done: Map<string, string>): MigrationFile[] {
  return files.filter((f) => {
    const previous = done.get(f.name);
    if (previous === undefined) return true;
    if (previous !== f.checksum) {
      throw new Error(`migration ${f.name} was changed after it was applied (checksum differs): add a new migration instead`);
    }
    return false;
  });
}

const DONE_QUERY = `SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

export function applyMigrations(db: Database.Database, dir = defaultMigrationsDir('sqlite')): MigrationResult {
  db.exec(MIGRATIONS_TABLE);
  const files = readMigrations(dir);
  const done = new Map((db.prepare(DONE_QUERY).all() as Array<{ migration_name: string; checksum: string }>).map((r) => [r.migration_name, r.checksum]));
  const applied: string[] = [];
  for (const m of pendingMigrations(files, done)) {
    const id = randomUUID();
    // One transaction per migration: a failing statement leaves the database as it was.
    db.transaction(() => {
      db.prepare(`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES (?, ?, ?, ?)`).run(id, m.checksum, m.name, Date.now());
      db.exec(m.sql);
      db.prepare(`UPDATE _prisma_migrations SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`).run(Date.now(), id);
    })();
    applied.push(m.name);
  }
  return { applied, alreadyApplied: files.length - applied.length };
}

// Prisma's own PostgreSQL definition of the table (`prisma migrate deploy` creates the same).
const PG_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;
/** pg_advisory_lock key: "bpfdeck migrate" (any constant; one per database) */
const PG_MIGRATION_LOCK = 0x62706664;

export async function applyPgMigrations(client: PgClient, dir = defaultMigrationsDir('postgres')): Promise<MigrationResult> {
  const files = readMigrations(dir);
  await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK]);
  try {
    await client.query(PG_MIGRATIONS_TABLE);
    const done = new Map((await client.query<{ migration_name: string; checksum: string }>(DONE_QUERY)).rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    for (const m of pendingMigrations(files, done)) {
      const id = randomUUID();
      // PostgreSQL's DDL is transactional: a failing statement leaves the database as it was.
      await client.query('BEGIN');
      try {
        await client.query(`INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ($1, $2, $3)`, [id, m.checksum, m.name]);
        await client.query(m.sql);
        await client.query(`UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
      }
      applied.push(m.name);
    }
    return { applied, alreadyApplied: files.length - applied.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]);
  }
}
