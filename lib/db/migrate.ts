/**
 * Applies prisma/migrations/<name>/migration.sql files in name order, recording them in Prisma's own
 * `_prisma_migrations` table (same columns and sha256 checksums as `prisma migrate deploy`), so a
 * machine that has Prisma's schema engine can take over with the real tool. We cannot use the engine
 * here: Prisma downloads it at run time and this network reaches only package registries.
 *
 * Refuses to start when an applied migration's file changed (checksum mismatch): editing history
 * silently would leave databases that differ from the schema.
 */
import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

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

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), 'prisma', 'migrations');
}

export function applyMigrations(db: Database.Database, dir = defaultMigrationsDir()): MigrationResult {
  db.exec(MIGRATIONS_TABLE);
  const names = fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
  const done = new Map<string, string>(
    (db
      .prepare(`SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
      .all() as Array<{ migration_name: string; checksum: string }>).map((r) => [r.migration_name, r.checksum]),
  );
  const applied: string[] = [];
  for (const name of names) {
    const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = done.get(name);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new Error(`migration ${name} was changed after it was applied (checksum differs): add a new migration instead`);
      }
      continue;
    }
    const id = randomUUID();
    // One transaction per migration: a failing statement leaves the database as it was.
    db.transaction(() => {
      db.prepare(`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES (?, ?, ?, ?)`).run(
        id,
        checksum,
        name,
        Date.now(),
      );
      db.exec(sql);
      db.prepare(`UPDATE _prisma_migrations SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`).run(Date.now(), id);
    })();
    applied.push(name);
  }
  return { applied, alreadyApplied: names.length - applied.length };
}
